import ArgumentParser

@main
struct AEOHub: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aeohub",
        abstract: "AEO Hub: the coordination wire of Xiamen's AEO measures."
    )
}
