import Autograd
import Models

/// (h) Data. The digits as a Dataset (count + subscript), and a DataLoader cutting a shuffled
/// index strip into batches of four, collated to [4, 1, 32, 32] and [4]; the short last batch;
/// a new order each epoch; the first batch drawn as pictures with its labels.
enum DataChapter {
    /// A 1×32×32 image in [-1, 1] as 16×16 characters (2×2 pixels each), darker = more ink.
    static func picture(_ pixels: ArraySlice<Float>) -> [String] {
        let ramp = Array(" .:-=+*#%@")
        let start = pixels.startIndex
        return (0..<16).map { row in
            String((0..<16).map { column -> Character in
                var sum: Float = 0
                for dy in 0..<2 { for dx in 0..<2 { sum += pixels[start + (2 * row + dy) * 32 + 2 * column + dx] } }
                let ink = min(max((sum / 4 + 1) / 2, 0), 1)
                return ramp[min(ramp.count - 1, Int(ink * Float(ramp.count - 1) + 0.5))]
            })
        }
    }

    static func run(_ context: LessonContext) -> Chapter {
        var facts: [LessonFact] = []
        let train = Digits.split().train
        let sample = train.sample(at: 0)
        let loader = try! DataLoader(train, batchSize: 4, shuffle: true, seed: context.seed, prefetch: 0)
        let order0 = loader.order(epoch: 0), order1 = loader.order(epoch: 1)
        var batches: [Batch] = []
        for batch in loader.epoch(0) { batches.append(batch) }
        let first = batches[0]
        let (inputs, labels) = first.tensors()
        let last = batches[batches.count - 1]
        let (lastInputs, lastLabels) = last.tensors()
        facts += [
            LessonFact("dataset len", String(train.count)),
            LessonFact("sample shape", Shape.describe(train.sampleShape)),
            LessonFact("loader len", String(loader.batchesPerEpoch)),
            LessonFact("batches in epoch 0", String(batches.count)),
            LessonFact("batch shapes", "\(Shape.describe(inputs.shape)) \(Shape.describe(labels.shape))"),
            LessonFact("last batch shapes", "\(Shape.describe(lastInputs.shape)) \(Shape.describe(lastLabels.shape))"),
            LessonFact("epoch orders differ", order0 != order1 ? "True" : "False"),
            LessonFact("first batch indices", first.indices.map(String.init).joined(separator: " ")),
        ]
        let strip = { (order: [Int]) -> String in
            stride(from: 0, to: 12, by: 4).map { s in "[" + order[s..<(s + 4)].map(String.init).joined(separator: " ") + "]" }
                .joined(separator: " ") + " ..."
        }
        let batchRows = batches.prefix(3).enumerated().map { i, batch in
            [String(i), batch.indices.map(String.init).joined(separator: ", "), batch.labels.map(String.init).joined(separator: ", ")]
        }
        let pictures = (0..<first.count).map { picture(first.inputs[($0 * 1024)..<($0 * 1024 + 1024)]) }
        var art = (0..<16).map { row in pictures.map { $0[row] }.joined(separator: "  ") }
        art.append(first.labels.map { "label \($0)".padding(16) }.joined(separator: "  "))

        return Chapter(
            id: .h, title: Lessons.title(of: .h),
            question: "What PyTorch class is responsible for processing and providing batches of data for training and testing? Briefly describe how it is constructed and used.",
            predict: "\(train.count) digits, batches of 4, shuffled. How many batches in an epoch, and what shape is the last one?",
            sections: [
                LessonSection("a Dataset: count and subscript", [
                    .code(swift: "let train = Digits.split().train\ntrain.count\ntrain.sample(at: 0)",
                          pytorch: "len(trainset)\ntrainset[0]   # (image, label)"),
                    .output("len: \(train.count)\nsample 0: features \(Shape.describe(train.sampleShape)), label \(sample.label)"),
                    .text("A Dataset only has to say how many samples it holds and return sample i; where they come from (a file, memory, a generator) is its own business."),
                ]),
                LessonSection("a DataLoader: shuffle, cut, collate", [
                    .code(swift: "let loader = try DataLoader(train, batchSize: 4, shuffle: true)\nfor batch in loader.epoch(0) { ... }",
                          pytorch: "loader = DataLoader(trainset, batch_size=4, shuffle=True)\nfor images, labels in loader: ..."),
                    .output("epoch 0: \(strip(order0))\nepoch 1: \(strip(order1))"),
                    .table(LessonTable(headers: ["batch", "dataset indices", "labels"], rows: batchRows)),
                    .output("batch 0 collated: images \(Shape.describe(inputs.shape)), labels \(Shape.describe(labels.shape))\nlen(loader) = \(loader.batchesPerEpoch); batch \(batches.count - 1) (the last): images \(Shape.describe(lastInputs.shape)), labels \(Shape.describe(lastLabels.shape))"),
                    .text("Each epoch the loader shuffles the index strip anew, cuts it into runs of batch_size, fetches those samples and stacks them along a new first dimension. \(train.count) = 4 x \(train.count / 4) + \(train.count % 4), so the last batch holds \(train.count % 4 == 0 ? 4 : train.count % 4) (drop_last=True would skip it)."),
                ]),
                LessonSection("batch 0, drawn", [.output(art.joined(separator: "\n"))]),
            ],
            answer: "torch.utils.data.DataLoader. It is constructed from a Dataset (which returns one sample and its label by index and knows its length) with options such as batch_size, shuffle and num_workers; iterating over it yields batches, here images [4, 1, 32, 32] and labels [4], in a new random order every epoch when shuffle=True. The training loop simply runs for images, labels in loader.",
            facts: facts)
    }
}

extension String {
    /// Left-aligned in `width` columns.
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
