#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Data sets by name, as `--dataset` spells them: `digits` (the default, embedded), `shapes` and
/// `spirals` (generated from the seed), `cifar10:DIR` and `mnist:DIR` (read from files).
public enum DatasetCatalog {
    /// The spellings `load` accepts, in the order help text lists them.
    public static let names = ["digits", "shapes", "spirals", "cifar10:DIR", "mnist:DIR"]
    public static let defaultName = "digits"

    /// Loads the data set `spec` names. `seed` drives the generated sets; the digits split and
    /// the file-based sets do not depend on it. Files are read and checked completely here, so
    /// a broken file is an error before training starts.
    public static func load(_ spec: String, seed: UInt64) throws(DatasetError) -> DatasetSplit {
        let (name, folder) = parse(spec)
        switch (name, folder) {
        case ("digits", nil):
            let (train, test) = Digits.split()
            return DatasetSplit(name: "digits", train: train, test: test)
        case ("shapes", nil):
            let (train, test) = Shapes.split(seed: seed)
            return DatasetSplit(name: "shapes", train: train, test: test)
        case ("spirals", nil):
            let (train, test) = Spirals.split(seed: seed)
            return DatasetSplit(name: "spirals", train: train, test: test)
        case ("cifar10", let folder?):
            let (train, test) = try CIFAR10.load(folder: folder)
            return DatasetSplit(name: "cifar10 (\(folder))", train: train, test: test)
        case ("mnist", let folder?):
            let (train, test) = try MNIST.load(folder: folder)
            return DatasetSplit(name: "mnist (\(folder))", train: train, test: test)
        case ("cifar10", nil), ("mnist", nil):
            throw .folderNotGiven(dataset: name)
        default:
            throw .unknownDataset(spec)
        }
    }

    /// `name` or `name:folder`; an empty folder counts as none. A leading `~/` means the home
    /// folder (the shell does not expand it after the colon of `cifar10:~/data`).
    private static func parse(_ spec: String) -> (name: String, folder: String?) {
        guard let colon = spec.firstIndex(of: ":") else { return (spec, nil) }
        var folder = String(spec[spec.index(after: colon)...])
        if folder.hasPrefix("~/"), let home = getenv("HOME") {
            folder = String(cString: home) + folder.dropFirst()
        }
        return (String(spec[..<colon]), folder.isEmpty ? nil : folder)
    }
}
