/// The coordinator's dashboard: server-rendered pages and their JSON twins over the permission-
/// filtered views, and the meeting record and bimonthly report as printable documents.
public enum Dashboard {}
