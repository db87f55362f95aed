#!/usr/bin/env python3
"""Writes Protocols/vectors/*.json from the .proto schemas, with Python's protobuf runtime.

The vectors are made by a second implementation on purpose: the Swift tests decode what Python
encoded. Run Protocols/generate.sh, which calls this after compiling the schemas for Python.
"""
import json
import os
import sys

from google.protobuf import json_format

sys.path.insert(0, sys.argv[1])  # folder with the protoc --python_out output
from aeohub.v1 import envelope_pb2, views_pb2, wire_pb2  # noqa: E402

OUT = sys.argv[2]
SIGNATURE = b"AEOH\x01\x04"
CODES = {
    "HELLO": 0x01, "WELCOME": 0x02, "SUBMIT": 0x03, "ACCEPTED": 0x04, "REJECTED": 0x05,
    "DELIVER": 0x06, "ACK": 0x07, "HEARTBEAT": 0x08, "REPLAY_REQUEST": 0x09,
    "REPLAY_ITEMS": 0x0A, "REPLAY_END": 0x0B, "ERROR": 0x0C, "CLOSE": 0x0D, "VIEW_REQUEST": 0x0E, "VIEW": 0x0F,
}
T0 = 1788220800000  # 2026-09-01T00:00:00+08:00
HOUR = 3600000
ENTERPRISE = {"uscc": "91350200776049653A", "name": "Xiamen Example Trading Co., Ltd.", "customs_code": "3502960001"}
CONTACT = {"name": "Lin Wei", "title": "Deputy General Manager", "phone": "+86 592 0000000"}
OFFICERS = [{"officer_id": "DD-1001", "name": "Chen Hua", "office": "xm-dongdu"},
            {"officer_id": "DD-1002", "name": "Wang Fang", "office": "xm-dongdu"}]

PAYLOADS = {
    "request_filed": {"request_id": "REQ-2026-0001", "enterprise": ENTERPRISE, "area": "350206",
                      "category": "REQUEST_CATEGORY_AEO_CERTIFICATION_INTENT",
                      "description": "Intends to apply for AEO certification this year.", "contact": CONTACT},
    "request_acknowledged": {"request_id": "REQ-2026-0001", "handling_office": "xm-dongdu",
                             "officer": OFFICERS[0], "note": "Taken by the credit management section."},
    "request_progress": {"request_id": "REQ-2026-0001", "note": "Pre-assessment visit held."},
    "request_resolved": {"request_id": "REQ-2026-0001", "resolution": "Application guidance given; case opened."},
    "request_declined": {"request_id": "REQ-2026-0002", "reason": "Duplicate of REQ-2026-0001."},
    "request_withdrawn": {"request_id": "REQ-2026-0003", "reason": "The enterprise withdrew."},
    "cultivation_recommended": {"enterprise": ENTERPRISE, "reason": "Export growth of 40% and a clean record."},
    "cultivation_listed": {"uscc": ENTERPRISE["uscc"], "coordinator": OFFICERS[0], "note": "Priority assessment."},
    "cultivation_declined": {"uscc": "913502000728319549", "reason": "Open administrative penalty."},
    "cultivation_removed": {"uscc": ENTERPRISE["uscc"], "reason": "Certified; leaves the key list."},
    "case_opened": {"case_id": "CASE-2026-0042", "enterprise": ENTERPRISE, "application_received": "2026-09-01"},
    "case_extended": {"case_id": "CASE-2026-0042", "reason": "Joint audit with Fuzhou needs more time."},
    "audit_proposed": {"case_id": "CASE-2026-0042", "audit_id": "AUD-2026-0042-1",
                       "sites": [{"name": "Head office", "address": "Huli District, Xiamen", "customs_area": "3700"},
                                 {"name": "Fuzhou branch warehouse", "address": "Mawei, Fuzhou", "customs_area": "3500"}],
                       "slots": [{"start_ms": str(T0 + 14 * 24 * HOUR), "end_ms": str(T0 + 14 * 24 * HOUR + 8 * HOUR)},
                                 {"start_ms": str(T0 + 21 * 24 * HOUR), "end_ms": str(T0 + 21 * 24 * HOUR + 8 * HOUR)}],
                       "team": OFFICERS, "enterprise_contact": CONTACT},
    "audit_responded": {"audit_id": "AUD-2026-0042-1", "case_id": "CASE-2026-0042",
                        "answer": "AUDIT_ANSWER_ACCEPT", "accepted_slots": [1], "note": "Fuzhou attends on the 22nd.",
                        "officers": [{"officer_id": "FZ-0301", "name": "Lin Feng", "office": "fuzhou-customs"}]},
    "audit_scheduled": {"audit_id": "AUD-2026-0042-1", "case_id": "CASE-2026-0042",
                        "slot": {"start_ms": str(T0 + 21 * 24 * HOUR), "end_ms": str(T0 + 21 * 24 * HOUR + 8 * HOUR)}},
    "audit_rescheduled": {"audit_id": "AUD-2026-0042-1", "case_id": "CASE-2026-0042",
                          "slot": {"start_ms": str(T0 + 28 * 24 * HOUR), "end_ms": str(T0 + 28 * 24 * HOUR + 8 * HOUR)},
                          "reason": "Typhoon warning."},
    "audit_cancelled": {"audit_id": "AUD-2026-0042-1", "case_id": "CASE-2026-0042", "reason": "Application withdrawn."},
    "audit_completed": {"audit_id": "AUD-2026-0042-1", "case_id": "CASE-2026-0042",
                        "outcome": "AUDIT_OUTCOME_PASSED", "findings": "No findings."},
    "case_concluded": {"case_id": "CASE-2026-0042", "result": "CASE_RESULT_CERTIFIED", "reason": "All standards met.",
                       "level_set": "LEVEL_SET_ORDER_282", "grade": "advanced_certified"},
    "customs_contact_assigned": {"uscc": ENTERPRISE["uscc"], "duty": "CONTACT_DUTY_LIAISON", "officer": OFFICERS[1]},
    "review_due": {"uscc": ENTERPRISE["uscc"], "due_date": "2031-10-20", "reason": "Five-year review."},
    "certificate_suspended": {"uscc": ENTERPRISE["uscc"], "ground": "SUSPENSION_GROUND_CRIMINAL_CASE",
                              "reason": "A smuggling case was filed against the enterprise."},
    "suspension_lifted": {"uscc": ENTERPRISE["uscc"], "reason": "The case was closed without charges."},
    "plan_recorded": {"plan_id": "PLAN-2026-003", "enterprise": ENTERPRISE, "approach": "PLAN_APPROACH_ONE_PLUS_N",
                      "members": [{"uscc": "913502000728319549", "name": "Siming Precision Parts Co."}],
                      "milestones": [{"title": "Internal control manual", "due_date": "2026-10-15"},
                                     {"title": "Mock audit", "due_date": "2026-11-30"}],
                      "officer": OFFICERS[0]},
    "plan_milestone_reached": {"plan_id": "PLAN-2026-003", "milestone": 1, "note": "Manual adopted by the board."},
    "meeting_convened": {"meeting_id": "JM-2026-05", "title": "Joint meeting on AEO cultivation, 5th session",
                         "agenda": [{"item_id": "1", "title": "Key list review", "proposer": "commerce-bureau"}],
                         "invitees": ["xm-dongdu", "siming", "huli", "torch"],
                         "time": {"start_ms": str(T0 + 9 * 24 * HOUR), "end_ms": str(T0 + 9 * 24 * HOUR + 2 * HOUR)},
                         "place": "Municipal Commerce Bureau, room 301"},
    "agenda_item_proposed": {"meeting_id": "JM-2026-05", "item": {"item_id": "2", "title": "Clearance pain points in Huli",
                                                                  "proposer": "huli"}, "detail": "Three open items."},
    "meeting_rsvp": {"meeting_id": "JM-2026-05", "answer": "RSVP_ANSWER_ATTENDING"},
    "attendance_recorded": {"meeting_id": "JM-2026-05", "present": ["xm-dongdu", "siming", "huli"], "absent": ["torch"]},
    "minutes_entry": {"meeting_id": "JM-2026-05", "entry_id": "M1", "item_id": "1", "text": "Eleven enterprises reviewed."},
    "decision_recorded": {"meeting_id": "JM-2026-05", "decision_id": "D1", "item_id": "1",
                          "text": "Add four enterprises to the key list."},
    "action_item_assigned": {"meeting_id": "JM-2026-05", "action_id": "A-2026-05-1", "owner_unit": "huli",
                             "due_date": "2026-10-31", "text": "Collect the four enterprises' documents.", "decision_id": "D1"},
    "action_item_progress": {"action_id": "A-2026-05-1", "meeting_id": "JM-2026-05",
                             "status": "ACTION_STATUS_DONE", "note": "Documents sent to Dongdu customs."},
    "meeting_closed": {"meeting_id": "JM-2026-05", "summary": "Closed with one decision and one action item."},
    "credit_change_published": {"change_id": "CR-2026-0007", "enterprise": ENTERPRISE, "level_set": "LEVEL_SET_ORDER_282",
                                "from_level": "advanced_certified", "to_level": "regular", "reason": "Serious breach found in audit.",
                                "severity": "SEVERITY_GENERAL", "effective_date": "2026-10-08",
                                "publicity_end": "2027-04-08", "stop_joint_incentives": True},
    "credit_change_confirmed": {"change_id": "CR-2026-0007", "note": "Joint incentives stopped."},
    "credit_change_lifted": {"change_id": "CR-2026-0007", "reason": "Credit repaired.", "restored_level": "certified"},
    "credit_objection_filed": {"change_id": "CR-2026-0007", "grounds": "The audit misread the bonded ledger."},
    "credit_objection_decided": {"change_id": "CR-2026-0007", "decision": "OBJECTION_DECISION_CHANGE_STANDS",
                                 "reason": "The ledger was rechecked; the finding stands."},
    "credit_repair_requested": {"change_id": "CR-2026-0007", "grounds": "Penalty paid; controls corrected."},
    "credit_repair_decided": {"change_id": "CR-2026-0007", "granted": True, "reason": "Repair conditions met.",
                              "restored_level": "regular"},
    "breach_reported": {"report_id": "BR-2026-0003", "enterprise": ENTERPRISE, "severity": "SEVERITY_GENERAL",
                        "facts": "Export tax refund claimed on false invoices.", "found_on": "2026-10-02",
                        "platform_pushed_on": "2026-10-03"},
    "breach_decided": {"report_id": "BR-2026-0003", "decision": "BREACH_DECISION_CHANGE_PUBLISHED",
                       "change_id": "CR-2026-0007", "reason": "Downgraded to regular (常规企业)."},
    "incentive_granted": {"incentive_id": "INC-2026-0011", "enterprise": ENTERPRISE, "measure": 5,
                          "support": "AEO certification subsidy", "granted_on": "2026-09-20"},
    "incentive_stopped": {"incentive_id": "INC-2026-0011", "reason": "Programme ended."},
    "activity_recorded": {"activity_id": "ACT-2026-0009", "kind": "ACTIVITY_KIND_TRAINING",
                          "title": "AEO policy briefing for Huli exporters", "held_on": "2026-09-18",
                          "organisers": ["xm-dongdu"], "enterprises_reached": 35, "attendance": 80},
    "tolerance_accepted": {"record_id": "TOL-2026-0004", "enterprise": ENTERPRISE, "matter": "Import licence renewal",
                           "missing": "Audited accounts for 2025", "accepted_on": "2026-09-10",
                           "commitment_due": "2026-10-10"},
    "tolerance_fulfilled": {"record_id": "TOL-2026-0004", "received_on": "2026-09-30"},
    "fx_batch_declared": {"record_id": "FX-2026-09", "enterprise": ENTERPRISE, "month": "2026-08",
                          "declared_on": "2026-09-04"},
    "refund_processed": {"record_id": "REF-2026-0120", "enterprise": ENTERPRISE, "applied_on": "2026-09-14",
                         "refunded_on": "2026-09-16"},
    "service_window_opened": {"window_id": "WIN-HULI-1", "centre": "Huli District Government Service Centre",
                              "area": "350206", "office": "xm-dongdu", "opened_on": "2026-09-01"},
    "service_window_closed": {"window_id": "WIN-HULI-1", "closed_on": "2026-10-01", "reason": "Moved to the new hall."},
    "priority_matters_published": {"items": [{"matter": "Import licence", "channel": "Single window"},
                                             {"matter": "Social insurance change", "channel": "Window 12"}],
                                   "published_on": "2026-09-15"},
    "progress_report": {"period": "2026-09/2026-10", "figures": [{"name": "requests_filed", "value": "12"},
                                                                 {"name": "enterprises_certified", "value": "2"}],
                        "text": "Two enterprises certified; twelve requests filed."},
    "node_presence": {"node_id": "fuzhou-customs", "online": True, "reason": "session opened"},
}

SENDERS = {"request_filed": "huli", "cultivation_recommended": "siming", "meeting_convened": "commerce-bureau",
           "agenda_item_proposed": "huli", "meeting_rsvp": "siming", "attendance_recorded": "commerce-bureau",
           "minutes_entry": "commerce-bureau", "decision_recorded": "commerce-bureau",
           "action_item_assigned": "commerce-bureau", "action_item_progress": "huli", "meeting_closed": "commerce-bureau",
           "credit_change_confirmed": "siming", "progress_report": "huli", "node_presence": "hub",
           "audit_responded": "fuzhou-customs", "incentive_granted": "finance-bureau",
           "incentive_stopped": "finance-bureau", "activity_recorded": "huli", "credit_objection_filed": "huli",
           "credit_repair_requested": "huli", "breach_reported": "tax-bureau", "tolerance_accepted": "market-regulation",
           "tolerance_fulfilled": "market-regulation", "fx_batch_declared": "pbc-xiamen",
           "refund_processed": "tax-bureau", "service_window_opened": "huli", "priority_matters_published": "huli"}


def envelope(payload_type, payload, index, stamped=False):
    d = {"message_id": f"msg-{index:04d}", "correlation_id": "", "sent_at_ms": str(T0 + index * 1000), payload_type: payload}
    if stamped:
        d.update({"sender": SENDERS.get(payload_type, "xm-dongdu"), "sequence": str(index),
                  "accepted_at_ms": str(T0 + index * 1000 + 7), "delivered_to": ["commerce-bureau"]})
    msg = envelope_pb2.Envelope()
    json_format.ParseDict({k: v for k, v in d.items() if v != ""}, msg)
    return msg


def meaning(msg):
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)


def vector(name, command, body_msgs=(), note="", extra_frames=()):
    frames = [SIGNATURE, bytes([CODES[command]])] + [m.SerializeToString() for m in body_msgs] + list(extra_frames)
    v = {"name": name, "command": command, "frames_hex": [f.hex() for f in frames]}
    if body_msgs:
        v["body"] = [{"type": m.DESCRIPTOR.full_name, "json": meaning(m)} for m in body_msgs]
    if note:
        v["note"] = note
    return v


def main():
    os.makedirs(OUT, exist_ok=True)
    commands = [
        vector("hello", "HELLO", [wire_pb2.Hello(protocol_major=1, protocol_minor=4, node_id="fuzhou-customs",
                                                 last_sequence_seen=1041, software="fuzhou-node/0.1 python")],
               "A node opens its session; deliveries resume after sequence 1041."),
        vector("welcome", "WELCOME", [wire_pb2.Welcome(node_id="fuzhou-customs", role="partner", head_sequence=1093,
                                                       resume_after=1041, heartbeat_interval_ms=1000, heartbeat_liveness=3,
                                                       credit_window=64, max_message_bytes=1048576,
                                                       hub_time_ms=T0 + 5000)]),
        vector("submit", "SUBMIT", [envelope("request_filed", PAYLOADS["request_filed"], 1)],
               "A district files an enterprise request; sender and sequence are left for the hub to stamp."),
        vector("accepted", "ACCEPTED", [wire_pb2.Accepted(message_id="msg-0001", sequence=1094, accepted_at_ms=T0 + 1007)]),
        vector("accepted-duplicate", "ACCEPTED", [wire_pb2.Accepted(message_id="msg-0001", sequence=1094,
                                                                     accepted_at_ms=T0 + 1007, duplicate=True)],
               "The answer to a retry of an already accepted message id: the original sequence."),
        vector("rejected", "REJECTED", [wire_pb2.Rejected(
            message_id="msg-0002", code=wire_pb2.ERROR_CODE_INVALID_FIELD, field="request_filed.enterprise.uscc",
            reason="USCC 91350100M000100Y4Z: 'Z' at position 18 is not a valid character "
                   "(a USCC uses 0-9 and A-Y without I, O, S, V and Z)")]),
        vector("deliver", "DELIVER", [envelope("audit_proposed", PAYLOADS["audit_proposed"], 1095, stamped=True)],
               "The hub delivers a stored envelope, byte for byte as in the log."),
        vector("rejected-id-reused", "REJECTED", [wire_pb2.Rejected(
            message_id="msg-0001", code=wire_pb2.ERROR_CODE_ID_REUSED,
            reason="message id msg-0001 was accepted as #1094 with other content; a retry must send the same "
                   "envelope, and new content needs a new message id")],
               "Since 1.1: the same message id with other content is not a retry."),
        vector("ack", "ACK", [wire_pb2.Ack(sequence=1095)]),
        vector("heartbeat", "HEARTBEAT", [], "No body frame."),
        vector("replay-request", "REPLAY_REQUEST", [wire_pb2.ReplayRequest(request_id="r1", meeting_id="JM-2026-05")]),
        vector("replay-items", "REPLAY_ITEMS", [wire_pb2.ReplayItems(request_id="r1"),
                                                envelope("meeting_convened", PAYLOADS["meeting_convened"], 900, stamped=True),
                                                envelope("minutes_entry", PAYLOADS["minutes_entry"], 950, stamped=True)],
               "Header, then one frame per stored envelope."),
        vector("replay-request-inline", "REPLAY_REQUEST", [wire_pb2.ReplayRequest(
            request_id="r2", from_sequence=900, to_sequence=950, inline_envelopes=True)],
               "Since 1.3: the envelopes are asked for inside each REPLAY_ITEMS header."),
        vector("replay-items-inline", "REPLAY_ITEMS", [wire_pb2.ReplayItems(request_id="r2", envelopes=[
            envelope("meeting_convened", PAYLOADS["meeting_convened"], 900, stamped=True).SerializeToString(),
            envelope("minutes_entry", PAYLOADS["minutes_entry"], 950, stamped=True).SerializeToString()])],
               "Since 1.3, for a request with inline_envelopes: the stored envelopes in the header, no frame "
               "after it."),
        vector("replay-end", "REPLAY_END", [wire_pb2.ReplayEnd(request_id="r1", count=2)]),
        vector("error", "ERROR", [wire_pb2.ProtocolError(code=wire_pb2.ERROR_CODE_NO_SESSION,
                                                         reason="send HELLO before any other command", command=0x03)]),
        vector("close", "CLOSE", [wire_pb2.Close(reason="hub shutting down")]),
        vector("hello-transient", "HELLO", [wire_pb2.Hello(protocol_major=1, protocol_minor=4, node_id="huli",
                                                           software="aeohub/1.1 cli", transient=True)],
               "A command-line session: the hub writes no node_presence records for it."),
        vector("view-request", "VIEW_REQUEST", [views_pb2.ViewRequest(
            request_id="v1", kind=views_pb2.VIEW_KIND_CASES, page_size=50)],
               "Fuzhou Customs asks for the certification cases it may see, 50 rows a page."),
        vector("view", "VIEW", [views_pb2.View(
            request_id="v1", kind=views_pb2.VIEW_KIND_CASES, as_of_sequence=1100, total=1,
            cases=[views_pb2.CaseRow(case_id="CASE-2026-0042", enterprise={"uscc": ENTERPRISE["uscc"],
                                                                           "name": ENTERPRISE["name"]},
                                     office="xm-dongdu", application_received="2026-08-20", deadline="2026-11-18",
                                     status="open", audit_ids=["AUD-2026-0042-1"], joint=True,
                                     opened_at_ms=T0 - 11 * 24 * HOUR)])],
               "One page, the last (no next_key): the joint audit's case in full, as of sequence 1100."),
        vector("view-refused", "VIEW", [views_pb2.View(
            request_id="v2", code=wire_pb2.ERROR_CODE_INVALID_FIELD,
            reason="page_size is at most 1000; got 5000")], "A view request the hub cannot answer: no rows."),
    ]
    messages = [vector(f"submit-{t}", "SUBMIT", [envelope(t, p, i + 1)]) for i, (t, p) in enumerate(PAYLOADS.items())]

    def submit_frames(d):
        msg = envelope_pb2.Envelope()
        json_format.ParseDict(d, msg)
        return [SIGNATURE.hex(), "03", msg.SerializeToString().hex()]

    def bad_envelope(name, payload_type, change, code, field, contains):
        p = json.loads(json.dumps(PAYLOADS[payload_type]))
        change(p)
        return {"name": name, "frames_hex": submit_frames({"message_id": "bad-1", payload_type: p}),
                "error": code, "field": field, "reason_contains": contains}

    def setp(path, value):
        def f(p):
            target = p
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
        return f

    invalid = [
        {"name": "too-few-frames", "frames_hex": [SIGNATURE.hex()], "error": "MALFORMED_FRAMES"},
        {"name": "bad-signature", "frames_hex": ["4d4450430201", "08"], "error": "BAD_SIGNATURE"},
        {"name": "newer-major-version", "frames_hex": ["41454f480200", "08"], "error": "UNSUPPORTED_VERSION"},
        {"name": "unknown-command", "frames_hex": [SIGNATURE.hex(), "7f", ""], "error": "UNKNOWN_COMMAND"},
        {"name": "two-byte-command", "frames_hex": [SIGNATURE.hex(), "0300", ""], "error": "MALFORMED_FRAMES"},
        {"name": "heartbeat-with-body", "frames_hex": [SIGNATURE.hex(), "08", "00"], "error": "MALFORMED_FRAMES"},
        {"name": "submit-without-body", "frames_hex": [SIGNATURE.hex(), "03"], "error": "MALFORMED_FRAMES"},
        {"name": "undecodable-body", "frames_hex": [SIGNATURE.hex(), "03", "ffffffff"], "error": "UNDECODABLE"},
        {"name": "oversized-envelope", "frames_hex": [SIGNATURE.hex(), "03", {"repeat": "00", "count": 262145}],
         "error": "TOO_LARGE"},
        {"name": "no-payload", "frames_hex": submit_frames({"message_id": "bad-0"}), "error": "UNKNOWN_MESSAGE_TYPE",
         "field": "payload", "reason_contains": "no message type"},
        {"name": "missing-message-id", "frames_hex": submit_frames({"request_filed": PAYLOADS["request_filed"]}),
         "error": "INVALID_FIELD", "field": "message_id", "reason_contains": "is required"},
        {"name": "bad-recipient-role", "frames_hex": submit_frames({"message_id": "bad-2", "to": {"roles": ["mayor"]},
                                                                    "progress_report": PAYLOADS["progress_report"]}),
         "error": "INVALID_FIELD", "field": "to.roles[0]", "reason_contains": "'mayor' is not a role"},
        bad_envelope("uscc-bad-character", "request_filed", setp(["enterprise", "uscc"], "91350100M000100Y4Z"),
                     "INVALID_FIELD", "request_filed.enterprise.uscc", "'Z' at position 18 is not a valid character"),
        bad_envelope("uscc-bad-check", "request_filed", setp(["enterprise", "uscc"], "91350200776049663A"),
                     "INVALID_FIELD", "request_filed.enterprise.uscc", "the check character should be 'B'"),
        bad_envelope("uscc-short", "case_opened", setp(["enterprise", "uscc"], "9135020077604965"),
                     "INVALID_FIELD", "case_opened.enterprise.uscc", "has 18 characters, this one has 16"),
        bad_envelope("customs-code", "case_opened", setp(["enterprise", "customs_code"], "35029600"),
                     "INVALID_FIELD", "case_opened.enterprise.customs_code", "10 digits"),
        bad_envelope("bad-date", "case_opened", setp(["application_received"], "2026-02-30"),
                     "INVALID_FIELD", "case_opened.application_received", "is not a date"),
        bad_envelope("slot-ends-before-start", "audit_scheduled", setp(["slot", "end_ms"], str(T0)),
                     "INVALID_FIELD", "audit_scheduled.slot.end_ms", "must be after start_ms"),
        bad_envelope("team-of-one", "audit_proposed", setp(["team"], OFFICERS[:1]),
                     "INVALID_FIELD", "audit_proposed.team", "at least two customs officers"),
        bad_envelope("missing-category", "request_filed", setp(["category"], "REQUEST_CATEGORY_UNSPECIFIED"),
                     "INVALID_FIELD", "request_filed.category", "is required"),
        bad_envelope("description-too-long", "request_filed", setp(["description"], "x" * 4001),
                     "INVALID_FIELD", "request_filed.description", "the limit is 4000"),
        bad_envelope("unknown-level", "credit_change_published", setp(["to_level"], "golden"),
                     "INVALID_FIELD", "credit_change_published.to_level", "is not a level of Order 282"),
        bad_envelope("publicity-too-long", "credit_change_published", setp(["publicity_end"], "2031-10-08"),
                     "INVALID_FIELD", "credit_change_published.publicity_end", "published for 3 months to 1 year"),
        bad_envelope("downgrade-keeps-incentives", "credit_change_published", setp(["stop_joint_incentives"], False),
                     "INVALID_FIELD", "credit_change_published.stop_joint_incentives", "stops every joint incentive"),
        bad_envelope("minor-breach-published", "credit_change_published",
                     lambda d: d.update({"severity": "SEVERITY_MINOR"}) or d,
                     "INVALID_FIELD", "credit_change_published.publicity_end", "a minor breach (轻微) is not published"),
        bad_envelope("grade-not-aeo", "case_concluded", setp(["grade"], "regular"),
                     "INVALID_FIELD", "case_concluded.grade", "is not an AEO grade of Order 282"),
        bad_envelope("breach-decided-without-change", "breach_decided", setp(["change_id"], ""),
                     "INVALID_FIELD", "breach_decided.change_id", "is required"),
        bad_envelope("officers-with-decline", "audit_responded",
                     lambda d: d.update({"answer": "AUDIT_ANSWER_DECLINE", "accepted_slots": [],
                                         "officers": [OFFICERS[1]]}) or d,
                     "INVALID_FIELD", "audit_responded.officers", "officers join the team with an ACCEPT"),
        bad_envelope("tolerance-due-before-acceptance", "tolerance_accepted", setp(["commitment_due"], "2026-09-01"),
                     "INVALID_FIELD", "tolerance_accepted.commitment_due", "must be after accepted_on"),
        bad_envelope("fx-month", "fx_batch_declared", setp(["month"], "2026-8"),
                     "INVALID_FIELD", "fx_batch_declared.month", "is not a month"),
        bad_envelope("priorities-empty", "priority_matters_published", setp(["items"], []),
                     "INVALID_FIELD", "priority_matters_published.items", "list at least one matter"),
        bad_envelope("contact-without-duty", "customs_contact_assigned", setp(["duty"], "CONTACT_DUTY_UNSPECIFIED"),
                     "INVALID_FIELD", "customs_contact_assigned.duty", "is required"),
        bad_envelope("group-plan-without-members", "plan_recorded", setp(["members"], []),
                     "INVALID_FIELD", "plan_recorded.members", "at least one member enterprise"),
        bad_envelope("incentive-measure", "incentive_granted", setp(["measure"], 6),
                     "INVALID_FIELD", "incentive_granted.measure", "not a measure with incentives"),
        bad_envelope("unknown-case-result", "case_concluded", setp(["result"], 9),
                     "INVALID_FIELD", "case_concluded.result", "is not a value this hub knows"),
        bad_envelope("period-not-bimonthly", "progress_report", setp(["period"], "2026-10/2026-11"),
                     "INVALID_FIELD", "progress_report.period", "not a bimonthly period"),
        bad_envelope("bad-node-id", "meeting_convened", setp(["invitees"], ["Dongdu Customs"]),
                     "INVALID_FIELD", "meeting_convened.invitees[0]", "is not a node id"),
    ]
    warnings = [{"name": "uscc-fujian-pilot", "uscc": u, "verdict": "pilot"} for u in
                ["91350211M0000XUF46", "91350203M0001QAY9B"]] + \
               [{"name": f"uscc-valid-{u}", "uscc": u, "verdict": "valid"} for u in
                ["91350200776049653A", "913502000728319549", "91350203MA31NDF85F"]] + \
               [{"name": "uscc-invalid-example", "uscc": "91350100M000100Y4Z", "verdict": "invalid"}]

    for name, data in [("commands", commands), ("messages", messages), ("invalid", invalid), ("uscc", warnings)]:
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.write("\n")
    print(f"wrote {len(commands)} command, {len(messages)} message, {len(invalid)} invalid and {len(warnings)} USCC vectors")


if __name__ == "__main__":
    main()
