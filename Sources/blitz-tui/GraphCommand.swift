import ArgumentParser
import Trainer

/// `blitz-tui graph`: the computation graph of one training iteration.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the graph of one training iteration (PyTorch's node names and backward order).",
        discussion: """
            Examples:
              blitz-tui graph                              an indented tree from the loss to the leaves
              blitz-tui graph --format dot | dot -Tsvg > graph.svg
              blitz-tui graph --format json --model mlp --dataset spirals
            """)

    @OptionGroup var options: ModelOptions

    @Option(help: "text, dot or json.")
    var format = "text"

    func run() throws {
        guard let graphFormat = GraphFormat(rawValue: format) else {
            throw TrainerError.invalidFlag(FlagError(flag: "--format", value: format, requirement: .oneOf(["text", "dot", "json"])))
        }
        var configuration = try options.configuration()
        configuration.steps = 1
        let graph = try TrainingSession.graphOfOneIteration(configuration)
        print(graph.render(graphFormat), terminator: "")
    }
}
