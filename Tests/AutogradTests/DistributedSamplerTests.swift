@testable import Autograd
import Foundation
import Testing

/// DistributedSampler against torch.utils.data.DistributedSampler (the cases and PyTorch's
/// answers come from scripts/distributed_sampler_cases.py), and the property that makes
/// distributed training equal to one process with a bigger batch: the ranks' shares of one
/// epoch, interleaved, are the order one process reads.
@Suite("DistributedSampler")
struct DistributedSamplerTests {
    @Test("indices without shuffling are PyTorch's, padding and drop_last included", arguments: [
        (10, 3, false, [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]),
        (10, 3, true, [[0, 3, 6], [1, 4, 7], [2, 5, 8]]),
        (2, 5, false, [[0], [1], [0], [1], [0]]),
        (7, 2, true, [[0, 2, 4], [1, 3, 5]]),
        (7, 2, false, [[0, 2, 4, 6], [1, 3, 5, 0]]),
    ])
    func pytorchIndices(count: Int, replicas: Int, dropLast: Bool, expected: [[Int]]) {
        let ranks = (0..<replicas).map {
            DistributedSampler(datasetCount: count, replicas: replicas, rank: $0, shuffle: false, dropLast: dropLast).indices(epoch: 0)
        }
        #expect(ranks == expected)
        #expect(Set(ranks.map(\.count)) == [expected[0].count])
    }

    @Test("shuffled: every rank draws the unsharded loader's order and takes every N-th index")
    func shuffledShares() throws {
        let dataset = ArrayDataset(features: (0..<20).map { Float($0) }, labels: Array(repeating: 0, count: 20), sampleShape: [1], classNames: ["x"])
        let single = try DataLoader(dataset, batchSize: 4, shuffle: true, seed: 7)
        for epoch in 0..<3 {
            let order = single.order(epoch: epoch)
            let shares = (0..<2).map { DistributedSampler(datasetCount: 20, replicas: 2, rank: $0, seed: 7).indices(epoch: epoch) }
            #expect(shares[0] == stride(from: 0, to: 20, by: 2).map { order[$0] })
            #expect(shares[1] == stride(from: 1, to: 20, by: 2).map { order[$0] })
            // Batch b of the two ranks (batch 2 each) holds exactly batch b of one process with batch 4.
            for b in 0..<5 {
                let together = Set(shares[0][2 * b ..< 2 * b + 2] + shares[1][2 * b ..< 2 * b + 2])
                #expect(together == Set(order[4 * b ..< 4 * b + 4]))
            }
        }
        #expect(DistributedSampler(datasetCount: 20, replicas: 2, rank: 0, seed: 7).indices(epoch: 0)
                != DistributedSampler(datasetCount: 20, replicas: 2, rank: 0, seed: 7).indices(epoch: 1))
    }

    @Test("a loader with a sampler batches this rank's share only")
    func loaderUsesSampler() throws {
        let dataset = ArrayDataset(features: (0..<10).map { Float($0) }, labels: Array(repeating: 0, count: 10), sampleShape: [1], classNames: ["x"])
        let sampler = DistributedSampler(datasetCount: 10, replicas: 3, rank: 1, shuffle: false)
        let loader = try DataLoader(dataset, batchSize: 3, prefetch: 0, sampler: sampler)
        #expect(loader.samplesPerEpoch == 4)
        #expect(loader.batchesPerEpoch == 2)
        #expect(loader.epoch(0).map(\.indices) == [[1, 4, 7], [0]])
    }

    @Test("gradient buckets: last parameter first, 1 MiB first bucket, 25 MiB after, large ones alone")
    func buckets() {
        let mib = 1 << 20
        #expect(GradientReducer.buckets(byteSizes: [100, 200, 300]) == [[2, 1, 0]])
        #expect(GradientReducer.buckets(byteSizes: [10 * mib, mib / 2, mib / 2 + 1]) == [[2], [1, 0]])
        #expect(GradientReducer.buckets(byteSizes: [30 * mib, 20 * mib, 10 * mib, mib]) == [[3], [2], [1], [0]])
        // The blitz Net's 62,006 float32 gradients (248 KB) make one bucket.
        let blitz = [450, 6, 2400, 16, 48_000, 120, 10_080, 84, 840, 10].map { $0 * 4 }
        #expect(GradientReducer.buckets(byteSizes: blitz) == [Array((0..<10).reversed())])
    }
}

/// The MPI loader: a search that finds nothing names what it tried; the installed library (make
/// test installs Open MPI) is recognised with its version.
@Suite("MPI library lookup")
struct MPILibraryTests {
    @Test("nothing found: the error names every file name and folder tried")
    func notFound() {
        let error = #expect(throws: MPIError.self) {
            try MPILibrary.find(userFolders: ["/nonexistent/mpi"], systemLoader: false, wellKnownFolders: ["/nonexistent/lib"])
        }
        let text = error?.description ?? ""
        #expect(text.hasPrefix("MPI was not found (tried libmpi.so.40, libmpi.so.12, libmpich.so.12, libmpi.so). Looked in: /nonexistent/mpi, /nonexistent/lib."))
        #expect(text.contains("BLITZ_MPI_PATH"))
    }

    @Test("BLITZ_MPI_PATH folders come first, each with lib/ and lib64/")
    func searchOrder() {
        let (user, wellKnown) = MPILibrary.searchFolders { $0 == "BLITZ_MPI_PATH" ? "/opt/a:/opt/b" : nil }
        #expect(user == ["/opt/a", "/opt/a/lib", "/opt/a/lib64", "/opt/b", "/opt/b/lib", "/opt/b/lib64"])
        #expect(wellKnown.contains("/usr/lib/x86_64-linux-gnu/openmpi/lib") && wellKnown.contains("/usr/lib64/mpich/lib"))
    }

    @Test("a collective that gets no answer ends the process with a message, within the timeout")
    func watchdog() async {
        let result = await #expect(processExitsWith: .exitCode(1), observing: [\.standardErrorContent]) {
            let watchdog = CollectiveWatchdog(rank: 1, worldSize: 2)
            watchdog.timeout = 1
            _ = watchdog.guarding("the all-reduce of gradient bucket 1 of 1") { sleep(30) }
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("blitz-tui (rank 1 of 2): no answer from the other ranks for 1 s during the all-reduce of gradient bucket 1 of 1"), "\(text)")
    }

    @Test("MPICH's handles are mpi.h's constants")
    func mpichHandles() {
        let h = MPIHandles.mpich
        #expect([h.commWorld, h.float, h.double, h.int, h.byte, h.sum, h.max] == [0x4400_0000, 0x4C00_040A, 0x4C00_080B, 0x4C00_0405, 0x4C00_010D, 0x5800_0003, 0x5800_0001])
    }

    @Test("the installed Open MPI is found, with its version and its own handles",
          .enabled(if: (try? MPILibrary.load()) != nil, "no MPI library on this machine (make test installs Open MPI)"))
    func installed() throws {
        let library = try MPILibrary.load()
        #expect(library.flavour == .openMPI || library.flavour == .mpich)
        #expect(library.summary.contains(library.path))
        if library.flavour == .openMPI {
            #expect(library.version.hasPrefix("Open MPI v"))
            #expect(library.handles.commWorld != MPIHandles.mpich.commWorld)
        }
    }
}
