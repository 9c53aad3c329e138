import Testing
import Trainer
import TUI

/// Pages 2-5 drawn whole (status bar, caption, page, footer) at 80×24 and 120×40, compared as
/// literal lines, with checks on the styles that carry meaning.
@Suite struct PageWidgetTests {
    static func frame(_ page: Page, _ width: Int, _ height: Int, ascii: Bool = false) -> [String] {
        var state = AppState()
        state.page = page
        return TUIApp.renderFrame(snapshot: FakePages.snapshot(), state: state, width: width, height: height, ascii: ascii)
    }

    @Test func modelPageAt80x24() {
        expectLines(Self.frame(.model, 80, 24), [
            " step 1200 │ speed 20/s │ lr 0.001 sgd │ running │ zero_grad: on",
            " 2 Model  print(net) and net.named_parameters(): the module tree, its tensors",
            "     name         shape          numel dtype   device requires_grad .grad",
            " Net(",
            "   (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))",
            "     conv1.weight [6, 1, 5, 5]     150 float32 cpu    True          None",
            "     conv1.bias   [6]                6 float32 cpu    True          None",
            "   (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=",
            "       False)",
            "   (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))",
            "     conv2.weight [16, 6, 5, 5]  2,400 float32 cpu    True          None",
            "     conv2.bias   [16]              16 float32 cpu    True          None",
            "   (fc1): Linear(in_features=400, out_features=120, bias=True)",
            "     fc1.weight   [120, 400]    48,000 float32 cpu    True          None",
            "     fc1.bias     [120]            120 float32 cpu    True          None",
            "   (fc2): Linear(in_features=120, out_features=84, bias=True)",
            "     fc2.weight   [84, 120]     10,080 float32 cpu    True          None",
            "     fc2.bias     [84]              84 float32 cpu    True          None",
            "   (fc3): Linear(in_features=84, out_features=10, bias=True)",
            "     fc3.weight   [10, 84]         840 float32 cpu    True          Tensor",
            "     fc3.bias     [10]              10 float32 cpu    True          Tensor",
            " )",
            " 61,706 parameters  in 10 tensors · 2 with .grad",
            " space pause  n step  b backward node  z zero_grad  < > speed  ? help  q quit",
        ])
    }

    @Test func modelPageAt120x40() {
        expectLines(Self.frame(.model, 120, 40), [
            " blitz-net · digits · cpu │ epoch 3 │ step 1200 │ speed 20/s │ 19.9 steps/s │ lr 0.001 sgd │ running │ zero_grad: on",
            " 2 Model  print(net) and net.named_parameters(): the module tree, its tensors",
            " Net(",
            "   (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))",
            "     conv1.weight [6, 1, 5, 5]     150 torch.float32 cpu    requires_grad=True grad=None",
            "     conv1.bias   [6]                6 torch.float32 cpu    requires_grad=True grad=None",
            "   (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
            "   (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))",
            "     conv2.weight [16, 6, 5, 5]  2,400 torch.float32 cpu    requires_grad=True grad=None",
            "     conv2.bias   [16]              16 torch.float32 cpu    requires_grad=True grad=None",
            "   (fc1): Linear(in_features=400, out_features=120, bias=True)",
            "     fc1.weight   [120, 400]    48,000 torch.float32 cpu    requires_grad=True grad=None",
            "     fc1.bias     [120]            120 torch.float32 cpu    requires_grad=True grad=None",
            "   (fc2): Linear(in_features=120, out_features=84, bias=True)",
            "     fc2.weight   [84, 120]     10,080 torch.float32 cpu    requires_grad=True grad=None",
            "     fc2.bias     [84]              84 torch.float32 cpu    requires_grad=True grad=None",
            "   (fc3): Linear(in_features=84, out_features=10, bias=True)",
            "     fc3.weight   [10, 84]         840 torch.float32 cpu    requires_grad=True grad=Tensor",
            "     fc3.bias     [10]              10 torch.float32 cpu    requires_grad=True grad=Tensor",
            " )",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            " 61,706 parameters  in 10 tensors · 2 with .grad",
            " space pause  n step  b backward node  z zero_grad  +/- lr  < > speed  r reset  l log  tab panel  ? help  q quit",
        ])
    }

    @Test func forwardPageAt80x24() {
        expectLines(Self.frame(.forward, 80, 24), [
            " step 1200 │ speed 20/s │ lr 0.001 sgd │ running │ zero_grad: on",
            " 3 Forward  output = net(x): each module's forward, hook and output shape",
            "  # call             input             output              mean     std  zeros",
            "  1 conv1 (Conv2d)   [4, 1, 32, 32]  → [4, 6, 28, 28]   -0.0122   0.497      0",
            "  - F.relu           [4, 6, 28, 28]  → [4, 6, 28, 28]     0.189   0.235  43.7%",
            "  2 pool (MaxPool2d) [4, 6, 28, 28]  → [4, 6, 14, 14]     0.225   0.248  37.1%",
            "  3 conv2 (Conv2d)   [4, 6, 14, 14]  → [4, 16, 10, 10]  -0.0190   0.187      0",
            "  - F.relu           [4, 16, 10, 10] → [4, 16, 10, 10]   0.0665   0.103  53.4%",
            "  4 pool (MaxPool2d) [4, 16, 10, 10] → [4, 16, 5, 5]     0.0938   0.118  42.3%",
            "  - torch.flatten    [4, 16, 5, 5]   → [4, 400]          0.0938   0.118  42.3%",
            "  5 fc1 (Linear)     [4, 400]        → [4, 120]         -0.0140  0.0958      0",
            "  - F.relu           [4, 120]        → [4, 120]          0.0318  0.0477  52.7%",
            "  6 fc2 (Linear)     [4, 120]        → [4, 84]          0.00658  0.0608      0",
            "  - F.relu           [4, 84]         → [4, 84]           0.0287  0.0380  46.4%",
            "  7 fc3 (Linear)     [4, 84]         → [4, 10]           0.0114  0.0559      0",
            "  8 net (Net)        [4, 1, 32, 32]  → [4, 10]           0.0114  0.0559      0",
            "",
            " torch.flatten(x, 1): conv → linear, [4, 16, 5, 5] → [4, 400], 16⋅5⋅5 = 400",
            "",
            "",
            " 8 forward hooks fired: conv1 → pool → conv2 → pool → fc1 → fc2 → fc3 → net",
            " step 135: net.train(), grad enabled: outputs have a grad_fn, backward can run",
            " test at step 1000: net.eval() + torch.no_grad(): no grad_fn, no graph",
            " space pause  n step  b backward node  z zero_grad  < > speed  ? help  q quit",
        ])
    }

    @Test func optimizerPageAt80x24() {
        expectLines(Self.frame(.optimizer, 80, 24), [
            " step 1200 │ speed 20/s │ lr 0.001 sgd │ running │ zero_grad: on",
            " 4 Optimizer  optimizer.step(): p updated from p.grad, for each p it holds",
            " SGD (lr=0.001, momentum=0.9, dampening=0, weight_decay=0, nesterov=False)",
            " param_groups[0]['params'] holds 9 of 10 parameters (x takes one out / back)",
            "   parameter       ‖grad‖   optimizer.step() at step 57 on conv1.weight [6,",
            " ✓ conv1.weight    0.0852       1, 5, 5]",
            " × conv1.bias       0.211   buf = momentum⋅buf + grad",
            " ✓ conv2.weight     0.161   p' = p − lr⋅buf",
            " ✓ conv2.bias       0.500   [0] buf = 0.9⋅(-0.03081) + 0.005801 = -0.02193",
            " ✓ fc1.weight       0.500       p' = -0.1561246 − 0.001⋅(-0.02193) = -0.1561027",
            " ✓ fc1.bias         0.500   [1] buf = 0.9⋅(-0.02647) + 0.003666 = -0.02016",
            " ✓ fc2.weight       0.500       p' = 0.09260111 − 0.001⋅(-0.02016) = 0.09262128",
            " ✓ fc2.bias         0.500   [2] buf = 0.9⋅(-0.02159) + 4.005e-06 = -0.01943",
            " ✓ fc3.weight       0.500       p' = -0.1244709 − 0.001⋅(-0.01943) = -0.1244515",
            " ✓ fc3.bias         0.500   ‖grad‖ = 0.0852 ‖Δp‖ = 1.92e-04 ‖p‖ = 1.379",
            "                                ‖Δp‖/‖p‖ = 1.39e-04",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            " x in/out of optimizer  ↑↓ parameter  space pause  n step  ? help  q quit",
        ])
    }

    @Test func optimizerPageAt120x40() {
        expectLines(Self.frame(.optimizer, 120, 40), [
            " blitz-net · digits · cpu │ epoch 3 │ step 1200 │ speed 20/s │ 19.9 steps/s │ lr 0.001 sgd │ running │ zero_grad: on",
            " 4 Optimizer  optimizer.step(): p updated from p.grad, for each p it holds",
            " SGD (lr=0.001, momentum=0.9, dampening=0, weight_decay=0, nesterov=False)",
            " param_groups[0]['params'] holds 9 of 10 parameters (x takes one out / back)",
            "   parameter       ‖grad‖   optimizer.step() at step 57 on conv1.weight [6, 1, 5, 5]",
            " ✓ conv1.weight    0.0852   buf = momentum⋅buf + grad",
            " × conv1.bias       0.211   p' = p − lr⋅buf",
            " ✓ conv2.weight     0.161   [0] buf = 0.9⋅(-0.03081) + 0.005801 = -0.02193",
            " ✓ conv2.bias       0.500       p' = -0.1561246 − 0.001⋅(-0.02193) = -0.1561027",
            " ✓ fc1.weight       0.500   [1] buf = 0.9⋅(-0.02647) + 0.003666 = -0.02016",
            " ✓ fc1.bias         0.500       p' = 0.09260111 − 0.001⋅(-0.02016) = 0.09262128",
            " ✓ fc2.weight       0.500   [2] buf = 0.9⋅(-0.02159) + 4.005e-06 = -0.01943",
            " ✓ fc2.bias         0.500       p' = -0.1244709 − 0.001⋅(-0.01943) = -0.1244515",
            " ✓ fc3.weight       0.500   ‖grad‖ = 0.0852  ‖Δp‖ = 1.92e-04  ‖p‖ = 1.379  ‖Δp‖/‖p‖ = 1.39e-04",
            " ✓ fc3.bias         0.500",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            " x in/out of optimizer  ↑↓ parameter  space pause  n step  b backward node  z zero_grad  < > speed  ? help  q quit",
        ])
    }

    @Test func dataPageAt80x24() {
        expectLines(Self.frame(.data, 80, 24), [
            " step 1200 │ speed 20/s │ lr 0.001 sgd │ running │ zero_grad: on",
            " 5 Data  DataLoader(dataset, batch_size, shuffle): the batches a step sees",
            " digits: 1,437 train, 360 test samples of [1, 8, 8], 10 classes",
            " DataLoader(batch_size=4, shuffle=True): len = 360 batches per epoch (1,437 =",
            " 359 × 4 + 1)",
            " epoch 2 order   [978, 351, 64, 973, 1038, 173, 961, 1307, 400, 839, 848, …]",
            " epoch 1 order   [12, 845, 3, 1200, 77, 604, 1399, 25, 918, 440, 1001, 6, …]",
            " batch 57 of 360: inputs torch.Size([4, 1, 8, 8]), labels torch.Size([4]),",
            " indices [1010, 972, 579, 640]",
            "   ░▒▒          ░▒▒          ░▒▒          ░▒▒",
            "    ██           ██           ██           ██",
            "    ██           ██           ██           ██",
            "    ▒▒           ▒▒           ▒▒           ▒▒",
            " 1 → 1        1 → 7        7 → 7        1 → 1",
            "",
            " test accuracy per class at step 1000 (99.1% overall)",
            " 0 100.0%  1 100.0%  2 100.0%  3 97.1%  4 100.0%  5 100.0%  6 100.0%  7 94.6%",
            " 8 100.0%  9 100.0%",
            "",
            "",
            "",
            "",
            "",
            " space pause  n step  b backward node  z zero_grad  < > speed  ? help  q quit",
        ])
    }

    @Test func dataPageAt120x40() {
        expectLines(Self.frame(.data, 120, 40), [
            " blitz-net · digits · cpu │ epoch 3 │ step 1200 │ speed 20/s │ 19.9 steps/s │ lr 0.001 sgd │ running │ zero_grad: on",
            " 5 Data  DataLoader(dataset, batch_size, shuffle): the batches a step sees",
            " digits: 1,437 train, 360 test samples of [1, 8, 8], 10 classes",
            " DataLoader(batch_size=4, shuffle=True): len = 360 batches per epoch (1,437 = 359 × 4 + 1)",
            " epoch 2 order   [978, 351, 64, 973, 1038, 173, 961, 1307, 400, 839, 848, 585, 291, 758, 362, 1261]",
            " epoch 1 order   [12, 845, 3, 1200, 77, 604, 1399, 25, 918, 440, 1001, 6, 330, 512, 97, 1410]",
            " batch 57 of 360: inputs torch.Size([4, 1, 8, 8]), labels torch.Size([4]), indices [1010, 972, 579, 640]",
            "   ░▒▒          ░▒▒          ░▒▒          ░▒▒",
            "    ██           ██           ██           ██",
            "    ██           ██           ██           ██",
            "    ▒▒           ▒▒           ▒▒           ▒▒",
            " 1 → 1        1 → 7        7 → 7        1 → 1",
            "",
            " confusion matrix at step 1000: rows true class, columns predicted · 99.1% overall",
            "      0  1  2  3  4  5  6  7  8  9  acc",
            " 0   34  ·  ·  ·  ·  ·  ·  ·  ·  · 100.0%",
            " 1    · 35  ·  ·  ·  ·  ·  ·  ·  · 100.0%",
            " 2    ·  · 36  ·  ·  ·  ·  ·  ·  · 100.0%",
            " 3    ·  ·  · 34  ·  ·  ·  ·  1  ·  97.1%",
            " 4    ·  ·  ·  · 35  ·  ·  ·  ·  · 100.0%",
            " 5    ·  ·  ·  ·  · 36  ·  ·  ·  · 100.0%",
            " 6    ·  ·  ·  ·  ·  · 34  ·  ·  · 100.0%",
            " 7    ·  2  ·  ·  ·  ·  · 35  ·  ·  94.6%",
            " 8    ·  ·  ·  ·  ·  ·  ·  · 36  · 100.0%",
            " 9    ·  ·  ·  ·  ·  ·  ·  ·  · 34 100.0%",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            " space pause  n step  b backward node  z zero_grad  +/- lr  < > speed  r reset  l log  tab panel  ? help  q quit",
        ])
    }

    @Test func forwardPageAt120x40() {
        expectLines(Self.frame(.forward, 120, 40), [
            " blitz-net · digits · cpu │ epoch 3 │ step 1200 │ speed 20/s │ 19.9 steps/s │ lr 0.001 sgd │ running │ zero_grad: on",
            " 3 Forward  output = net(x): each module's forward, hook and output shape",
            "  # call             input             output              mean     std  zeros  grad_fn",
            "  1 conv1 (Conv2d)   [4, 1, 32, 32]  → [4, 6, 28, 28]   -0.0122   0.497      0  ConvolutionBackward0",
            "  - F.relu           [4, 6, 28, 28]  → [4, 6, 28, 28]     0.189   0.235  43.7%  ReluBackward0",
            "  2 pool (MaxPool2d) [4, 6, 28, 28]  → [4, 6, 14, 14]     0.225   0.248  37.1%  MaxPool2DWithIndicesBackward0",
            "  3 conv2 (Conv2d)   [4, 6, 14, 14]  → [4, 16, 10, 10]  -0.0190   0.187      0  ConvolutionBackward0",
            "  - F.relu           [4, 16, 10, 10] → [4, 16, 10, 10]   0.0665   0.103  53.4%  ReluBackward0",
            "  4 pool (MaxPool2d) [4, 16, 10, 10] → [4, 16, 5, 5]     0.0938   0.118  42.3%  MaxPool2DWithIndicesBackward0",
            "  - torch.flatten    [4, 16, 5, 5]   → [4, 400]          0.0938   0.118  42.3%  ViewBackward0",
            "  5 fc1 (Linear)     [4, 400]        → [4, 120]         -0.0140  0.0958      0  AddmmBackward0",
            "  - F.relu           [4, 120]        → [4, 120]          0.0318  0.0477  52.7%  ReluBackward0",
            "  6 fc2 (Linear)     [4, 120]        → [4, 84]          0.00658  0.0608      0  AddmmBackward0",
            "  - F.relu           [4, 84]         → [4, 84]           0.0287  0.0380  46.4%  ReluBackward0",
            "  7 fc3 (Linear)     [4, 84]         → [4, 10]           0.0114  0.0559      0  AddmmBackward0",
            "  8 net (Net)        [4, 1, 32, 32]  → [4, 10]           0.0114  0.0559      0  AddmmBackward0",
            "",
            " torch.flatten(x, 1): conv → linear, [4, 16, 5, 5] → [4, 400], 16⋅5⋅5 = 400",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            " 8 forward hooks fired: conv1 → pool → conv2 → pool → fc1 → fc2 → fc3 → net",
            " step 135: net.train(), grad enabled: outputs have a grad_fn, backward can run",
            " test at step 1000: net.eval() + torch.no_grad(): no grad_fn, no graph, [256, 1, 32, 32] → [256, 10]",
            " space pause  n step  b backward node  z zero_grad  +/- lr  < > speed  r reset  l log  tab panel  ? help  q quit",
        ])
    }

    // MARK: styles that carry meaning

    static func buffer(_ page: Page, _ width: Int, _ height: Int, theme: Theme = mono, selected: Int = 0) -> ScreenBuffer {
        var state = AppState()
        state.page = page
        state.optimizerSelection = selected
        return TUIApp.render(snapshot: FakePages.snapshot(), state: state, width: width, height: height, theme: theme)
    }

    /// The style of the first cell of `text` on the screen.
    static func style(of text: String, in buffer: ScreenBuffer, from row: Int = 0) -> Style? {
        for y in row..<buffer.height {
            let line = Array(buffer.line(y, trimmed: false))
            let needle = Array(text)
            guard line.count >= needle.count else { continue }
            for x in 0...(line.count - needle.count) where Array(line[x..<(x + needle.count)]) == needle {
                return buffer[x, y].style
            }
        }
        return nil
    }

    @Test func modelPageStylesGradStates() {
        let colour = Theme(colors: true, ascii: false)
        let b = Self.buffer(.model, 120, 40, theme: colour)
        #expect(Self.style(of: "grad=Tensor", in: b) == colour.good)
        #expect(Self.style(of: "grad=None", in: b) == colour.dim)
        #expect(Self.style(of: "conv1.weight", in: b) == colour.module)
        #expect(Self.style(of: "61,706 parameters", in: b) == colour.value)
        // The caption names the page in reverse video.
        #expect(Self.style(of: "2 Model", in: b)?.attributes.contains(.reverse) == true)
    }

    @Test func forwardPageHighlightsTheFlatten() {
        let b = Self.buffer(.forward, 120, 40)
        let flattenRow = (0..<b.height).first { b.line($0).contains("torch.flatten    [4, 16, 5, 5]") }!
        #expect(Self.style(of: "torch.flatten", in: b, from: flattenRow) == mono.warning)
        #expect(Self.style(of: "[4, 400]", in: b, from: flattenRow) == mono.warning)
        #expect(Self.style(of: "43.7%", in: b) == mono.value)
        #expect(Self.style(of: "step 135: net.train()", in: b) == mono.good)
    }

    @Test func optimizerPageMarksHeldAndSelected() {
        let b = Self.buffer(.optimizer, 120, 40, selected: 1)
        let row = (0..<b.height).first { b.line($0).contains("× conv1.bias") }!
        #expect(b[1, row].style.attributes.contains(.reverse))
        #expect(b[1, row].style.attributes.contains(.bold))
        let other = (0..<b.height).first { b.line($0).contains("✓ conv2.weight") }!
        #expect(!b[1, other].style.attributes.contains(.reverse))
        #expect(Self.style(of: "param_groups[0]['params'] holds 9 of 10", in: b) == mono.warning)
    }

    @Test func dataPageColoursRightAndWrongPredictions() {
        let colour = Theme(colors: true, ascii: false)
        let b = Self.buffer(.data, 120, 40, theme: colour)
        #expect(Self.style(of: "1 → 7", in: b) == colour.bad)
        #expect(Self.style(of: "7 → 7", in: b) == colour.good)
        #expect(Self.style(of: "94.6%", in: b) == colour.value)
        // A mistake made often (2 of 37 sevens taken for ones) is red, a rare one yellow.
        let sevens = (0..<b.height).first { b.line($0).hasPrefix(" 7    ·  2") }!
        #expect(b[Array(b.line(sevens)).firstIndex(of: "2")!, sevens].style == colour.warning)
    }

    @Test func asciiImagesUseAsciiShades() {
        let lines = Self.frame(.data, 80, 24, ascii: true)
        #expect(lines.joined().allSatisfy { $0.isASCII })
        #expect(lines.contains { $0.contains("@@") })
    }

    // MARK: the optimizer's arithmetic in other cases

    @Test func aParameterOutOfTheOptimizerShowsBothFacts() {
        var record = FakePages.optimizer
        record.selected = 1
        record.update = ParameterUpdate(
            parameter: "conv1.bias", shape: [6], step: 60, held: false,
            rule: .sgd(lr: 0.001, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: false),
            elements: [ElementUpdate(index: 0, before: -0.100989, grad: 0.05, after: -0.100989)],
            updateNorm: 0, weightNorm: 0.3367, gradNorm: 0.211)
        let lines = rendered(width: 100, height: 12) { OptimizerPage(record: record, selected: 1).render(in: $0, buffer: &$1, theme: mono) }
        expectLines(lines, [
            " SGD (lr=0.001, momentum=0.9, dampening=0, weight_decay=0, nesterov=False)",
            " param_groups[0]['params'] holds 9 of 10 parameters (x takes one out / back)",
            "   parameter       ‖grad‖   optimizer.step() at step 60 on conv1.bias [6]",
            " ✓ conv1.weight    0.0852   not in the optimizer: step() left it alone, p' = p",
            " × conv1.bias       0.211   yet backward still filled its .grad: ‖grad‖ = 0.211",
            " ✓ conv2.weight     0.161   and optimizer.zero_grad() no longer clears it, so it keeps adding up",
            " ✓ conv2.bias       0.500   [0] p = -0.1009890 → p' = -0.1009890",
            " ✓ fc1.weight       0.500   ‖Δp‖ = 0   ‖p‖ = 0.3367",
            " ✓ fc1.bias         0.500",
            " ✓ fc2.weight       0.500",
            " ✓ fc2.bias         0.500",
            " ✓ fc3.weight       0.500",
        ])
    }

    /// Adam's step on PyTorch's numbers (scripts/make_page_fixtures.py, "adam", first step:
    /// p = 0.5, grad = 0.1, weight_decay = 0.1, so g = 0.15; m = 0.015, v = 2.25e-05, p' = 0.49).
    @Test func adamArithmeticWithBiasCorrection() {
        let u = ParameterUpdate(
            parameter: "w", shape: [2, 3], step: 1, held: true,
            rule: .adam(lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: false, t: 1),
            elements: [ElementUpdate(index: 0, before: 0.5, grad: 0.1, after: 0.49000001, firstBefore: nil, firstAfter: 0.015,
                                     secondBefore: nil, secondAfter: 2.25e-05)],
            updateNorm: 0.01, weightNorm: 0.5, gradNorm: 0.1)
        let text = OptimizerPage.arithmetic(u, theme: mono).map(\.0)
        #expect(text == [
            "optimizer.step() at step 1 on w [2, 3]",
            "g = grad + weight_decay⋅p   (Adam: decay in the gradient)",
            "m = β1⋅m + (1 − β1)⋅g     v = β2⋅v + (1 − β2)⋅g²",
            "m_hat = m/(1 − β1^t)  v_hat = v/(1 − β2^t)  p' = p − lr⋅m_hat/(√v_hat + eps)   t = 1",
            "[0] m = 0.9⋅0 + 0.1⋅0.1500 = 0.01500",
            "    v = 0.999⋅0 + 0.001⋅0.1500² = 2.250e-05",
            "    m_hat = 0.1500  v_hat = 0.02250  lr⋅m_hat/(√v_hat+eps) = 0.01000",
            "    p' = 0.5000000 → 0.4900000",
            "‖grad‖ = 0.100  ‖Δp‖ = 0.0100  ‖p‖ = 0.5000  ‖Δp‖/‖p‖ = 0.0200",
        ])
    }
}

@Suite struct NodeInspectorTests {
    static let record = NodeRecord(
        id: 19, name: "AddmmBackward0", module: "fc2", step: 57,
        gradIn: GradientSummary(shape: [4, 84], norm: 0.412, min: -0.2, max: 0.2, firstValues: [-0.0213, 0.0344, -0.11, 0.02]),
        edges: [
            .init(to: 16, name: "AccumulateGrad", parameter: "fc2.bias",
                  gradient: GradientSummary(shape: [84], norm: 0.3, min: 0, max: 0, firstValues: [0.01, 0.02, 0.03, 0.04])),
            .init(to: 15, name: "ReluBackward0", parameter: nil,
                  gradient: GradientSummary(shape: [4, 120], norm: 0.25, min: 0, max: 0, firstValues: [0.001, -0.002, 0, 0])),
            .init(to: 18, name: "TBackward0", parameter: nil,
                  gradient: GradientSummary(shape: [120, 84], norm: 0.5, min: 0, max: 0, firstValues: [0.1, 0.2, 0.3, 0.4])),
        ],
        saved: [.init("_saved_mat1", [4, 120]), .init("_saved_mat2", [120, 84])])

    @Test func showsWhatTheNodeReceivedSentAndSaved() {
        let node = Fake.graph.node(19)!
        let lines = rendered(width: 60, height: 14) {
            NodeInspector(node: node, record: Self.record, graph: Fake.graph).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "AddmmBackward0 (fc2) output [4, 84]",
            "backward of step 57",
            "received [4, 84] norm 0.412 [-0.0213, 0.0344, -0.110, …]",
            "next_functions, and what went along each:",
            "→ AccumulateGrad (fc2.bias)",
            "    [84] norm 0.300 [0.0100, 0.0200, 0.0300, …]",
            "→ ReluBackward0",
            "    [4, 120] norm 0.250 [0.00100, -0.00200, 0, …]",
            "→ TBackward0",
            "    [120, 84] norm 0.500 [0.100, 0.200, 0.300, …]",
            "saved for backward (grad_fn._saved_*):",
            "    _saved_mat1 [4, 120]",
            "    _saved_mat2 [120, 84]",
            "",
        ])
        var b = ScreenBuffer(width: 60, height: 12)
        NodeInspector(node: node, record: Self.record, graph: Fake.graph).render(in: b.area, buffer: &b, theme: mono)
        #expect(b[0, 0].style == mono.title)
        #expect(b[0, 4].style == mono.module)
    }

    @Test func saysWhenThereIsNoRecordYet() {
        let node = Fake.graph.node(19)!
        let lines = rendered(width: 60, height: 4) {
            NodeInspector(node: node, record: nil, graph: Fake.graph).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(lines[0] == "AddmmBackward0 (fc2) output [4, 84]")
        #expect(lines[1].hasPrefix("no record of this node yet"))
    }

    @Test func aPythonNumberOperandIsShownWithItsValue() {
        let node = Fake.graph.node(19)!
        var record = Self.record
        record.saved = []
        record.savedScalar = .init("_saved_other", 1.0001)
        let lines = rendered(width: 60, height: 14) {
            NodeInspector(node: node, record: record, graph: Fake.graph).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(lines.contains("    _saved_other = 1.0001 (a Python number)"), "\(lines)")
        record.savedScalar = nil
        let none = rendered(width: 60, height: 14) {
            NodeInspector(node: node, record: record, graph: Fake.graph).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(none.contains("saved for backward: nothing"), "\(none)")
    }

    @Test func focusingTheGraphAsksTheTrainerToKeepNodeRecords() {
        var state = AppState()
        let s = FakePages.snapshot()
        #expect(state.apply(.nextPanel, snapshot: s) == [])
        #expect(state.apply(.nextPanel, snapshot: s) == [.inspectNodes(true)])
        #expect(state.apply(.showPage(.model), snapshot: s) == [.showPage(.model), .inspectNodes(false)])
        #expect(state.apply(.showPage(.train), snapshot: s) == [.showPage(.train), .inspectNodes(true)])
    }
}
