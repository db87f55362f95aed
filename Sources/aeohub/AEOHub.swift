import ArgumentParser

@main
struct AEOHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aeohub",
        abstract: "AEO Hub: the coordination wire of Xiamen's AEO measures.",
        subcommands: [
            DemoCommand.self, RequestCommand.self, CultivationCommand.self, AuditCommand.self, MeetingCommand.self,
            CreditCommand.self, ReplayCommand.self, ReportCommand.self, ListenCommand.self, HubCommand.self, KeysCommand.self, LogCommand.self,
        ]
    )
}
