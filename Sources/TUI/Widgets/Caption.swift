import Trainer

/// The line under the status bar: which page this is and, in PyTorch's words, what it shows;
/// at the right, when there is room, every page by its key, the one shown highlighted.
public struct Caption: Widget, Sendable {
    public var page: Page

    public init(page: Page) {
        self.page = page
    }

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        let line = area.row(0)
        let x = buffer.put(" \(page.rawValue) \(page.title) ", x: line.x, y: line.y, style: theme.title.adding(.reverse), clip: line)
        let caption = " " + page.caption
        let tabs = Page.allCases.map { "\($0.rawValue) \($0.title)" }.joined(separator: " ")
        let tabsWidth = tabs.count + 1
        guard x + caption.count + 2 + tabsWidth <= line.maxX else {
            buffer.put(" " + Format.truncate(page.caption, max(0, line.maxX - x - 1)), x: x, y: line.y, style: theme.label, clip: line)
            return
        }
        buffer.put(caption, x: x, y: line.y, style: theme.label, clip: line)
        var tx = line.maxX - tabsWidth
        for p in Page.allCases {
            tx = buffer.put(String(p.key), x: tx, y: line.y, style: theme.key, clip: line)
            tx = buffer.put(" " + p.title, x: tx, y: line.y, style: p == page ? theme.title.adding(.reverse) : theme.dim, clip: line)
            tx += 1
        }
    }
}

extension Page {
    /// One line, in PyTorch's words, saying what the page shows.
    public var caption: String {
        switch self {
        case .train:
            return "loss.backward() fills every .grad, then optimizer.step() uses it"
        case .model:
            return "print(net) and net.named_parameters(): the module tree, its tensors"
        case .forward:
            return "output = net(x): each module's forward, hook and output shape"
        case .optimizer:
            return "optimizer.step(): p updated from p.grad, for each p it holds"
        case .data:
            return "DataLoader(dataset, batch_size, shuffle): the batches a step sees"
        case .distributions:
            return "writer.add_histogram(name, p) and p.grad over time, as TensorBoard's distributions"
        }
    }

    /// What `?` explains on this page: every number and symbol it draws.
    public var explanations: [(symbol: String, meaning: String)] {
        switch self {
        case .train:
            return [
                ("loss", "this step's CrossEntropyLoss value (the last point of the curve)"),
                ("mean(N)", "the loss averaged over the last N steps (the bold line)"),
                ("test acc", "share of the test images classified right at the last evaluation"),
                ("100% / 0%", "the right axis of the loss chart: test accuracy's scale"),
                ("‖.grad‖", "each parameter's gradient norm, bars on a log scale"),
                ("None", ".grad is None: zero_grad() cleared it, backward has not reached it yet"),
                ("×K", "zero_grad off: how many times larger .grad is than after one backward"),
                ("✓ ● ▶", "graph: node done in this backward / node that just ran / runs next"),
                ("[4,10]", "shape of the gradient the node receives (its output's shape)"),
            ]
        case .model:
            return [
                ("Net( ... )", "print(net): each child module with its settings (extra_repr)"),
                ("conv1.weight", "a parameter's dotted name, as net.named_parameters() and state_dict() give it"),
                ("[6, 1, 5, 5]", "p.shape; numel is the product, the number of scalars"),
                ("torch.float32 cpu", "p.dtype and p.device (.to(device) moves every parameter)"),
                ("requires_grad=True", "autograd records every operation on p, so backward reaches it"),
                ("grad=None", "p.grad is None until a backward reaches p (zero_grad() sets it back)"),
                ("N parameters", "sum(p.numel() for p in net.parameters())"),
            ]
        case .forward:
            return [
                ("#", "order in which the forward hooks fired: a module's fires when its forward returns"),
                ("hooks fired", "one hook per module, registered by blitz-tui like register_forward_hook"),
                ("conv1 (Conv2d)", "a module called as net(x) calls it: hooks run, then forward"),
                ("F.relu  torch.flatten", "functions called inside forward: no module, so no hook"),
                ("[4, 16, 5, 5] → [4, 400]", "input shape → output shape; 4 is the batch"),
                ("mean  std", "mean and standard deviation of every element of the output"),
                ("zeros", "share of outputs that are exactly 0 (what ReLU does to negatives)"),
                ("grad_fn", "the node autograd recorded for the output; none under no_grad"),
            ]
        case .optimizer:
            return [
                ("✓ / ×", "the parameter is / is not in optimizer.param_groups (x toggles)"),
                ("p", "the parameter's element before the step; p' after"),
                ("grad", "p.grad, filled by loss.backward()"),
                ("buf", "SGD's momentum buffer, optimizer.state[p]['momentum_buffer']"),
                ("m  v", "Adam's exp_avg and exp_avg_sq; m_hat v_hat after bias correction"),
                ("‖Δp‖/‖p‖", "how large the step was relative to the weight (norms over all elements)"),
            ]
        case .data:
            return [
                ("train / test", "samples in the training and test data sets"),
                ("batches", "len(loader) = ceil(train / batch_size); the last batch may be short"),
                ("order", "the first indices of the epoch's shuffled order (new each epoch)"),
                ("[4, 1, 32, 32]", "the batch tensor: batch, channels, height, width"),
                ("label  pred", "the true class and the model's argmax over its 10 outputs"),
                ("▀", "CIFAR-10 in 256 colours: two pixels per character, the top one over the bottom one (grey otherwise)"),
                ("confusion", "rows: true class; columns: predicted; last column: per-class accuracy"),
            ]
        case .distributions:
            return [
                ("↑ ↓", "choose the parameter (the same choice as on the Optimizer page)"),
                ("bands", "min–max, 7–93%, 16–84%, 31–69% of the elements, darkest in the middle"),
                ("median", "the middle element's value (the line on top of the bands)"),
                ("weights @N", "histogram of the parameter's elements at step N (the grad's beside it)"),
                ("dead ReLU", "share of a layer's units ≤ 0 for every sample of the batch: no gradient flows"),
                ("sampled", "every 10 steps on the trainer's queue; --logdir writes the same to TensorBoard"),
            ]
        }
    }
}
