import Trainer

extension AppState {
    /// Applies `action` and returns the commands for the trainer. `snapshot` is the latest one
    /// (pause/resume depends on whether training runs; the graph's rows on its shape).
    public mutating func apply(_ action: Action, snapshot: TrainingSnapshot) -> [TrainerCommand] {
        var commands = applyAction(action, snapshot: snapshot)
        // The trainer keeps every node's record while someone looks at the graph on the Train
        // page; only moving between panels and pages changes that.
        let inspect = page == .train && focus == .graph
        let moves: Bool
        switch action {
        case .nextPanel, .previousPanel, .showPage: moves = true
        default: moves = false
        }
        if moves && inspect != inspectsNodes {
            inspectsNodes = inspect
            commands.append(.inspectNodes(inspect))
        }
        return commands
    }

    private mutating func applyAction(_ action: Action, snapshot: TrainingSnapshot) -> [TrainerCommand] {
        switch action {
        case .togglePause:
            return [snapshot.isRunning ? .pause : .resume]
        case .step:
            return [.step]
        case .backwardNode:
            // The trainer pauses itself on backwardNode; the graph follows the stepper again.
            graphSelection = nil
            return [.backwardNode]
        case .finishBackward:
            graphSelection = nil
            return [.finishBackward]
        case .toggleZeroGrad:
            return [.toggleZeroGrad]
        case .increaseLearningRate:
            return [.scaleLearningRate(KeyMap.learningRateFactor)]
        case .decreaseLearningRate:
            return [.scaleLearningRate(1 / KeyMap.learningRateFactor)]
        case .slower:
            return [.changeSpeed(faster: false)]
        case .faster:
            return [.changeSpeed(faster: true)]
        case .resetRun:
            return [.reset]
        case .nextPanel:
            focus = Panel(rawValue: (focus.rawValue + 1) % Panel.allCases.count)!
        case .previousPanel:
            focus = Panel(rawValue: (focus.rawValue + Panel.allCases.count - 1) % Panel.allCases.count)!
        case .toggleLossScale:
            lossScale = lossScale == .linear ? .log : .linear
        case .toggleHelp:
            // ? shows what this page's numbers mean (and the keys if they fit); where they did not,
            // a second ? shows the keys; then ? closes.
            if !showHelp {
                showHelp = true
                helpShowsKeysOnly = false
            } else if !helpShowsKeysOnly && !Help(page: page).fits(height: Layout(width: viewport.width, height: viewport.height).page.height + 2) {
                helpShowsKeysOnly = true
            } else {
                showHelp = false
            }
        case .openLessons:
            // The chapter's demonstration runs here, on the UI's thread, with tensors of its
            // own: nothing of the trainer's is touched.
            lessons = .open(.a)
        case .showPage(let newPage):
            showHelp = false
            guard newPage != page else { return [] }
            page = newPage
            pageScroll = 0
            return newPage == .optimizer ? [.showPage(newPage), .selectParameter(optimizerSelection)] : [.showPage(newPage)]
        case .toggleInOptimizer:
            if page == .optimizer {
                return [.toggleInOptimizer(optimizerSelection)]
            }
            if page == .train && focus == .gradients {
                return [.toggleInOptimizer(gradientSelection)]
            }
        case .escape:
            if showHelp {
                showHelp = false
            } else {
                graphSelection = nil
            }
        case .quit:
            shouldQuit = true
            return [.quit]
        case .toggleModule:
            if focus == .graph {
                toggleSelectedModule(snapshot, fold: nil)
            }
        case .toggleAllModules:
            toggleAllModules(snapshot)
        case .up, .down, .left, .right, .pageUp, .pageDown, .home, .end:
            switch page {
            case .train:
                move(action, snapshot: snapshot)
            case .optimizer, .distributions:
                // One parameter selection for both pages: the one being updated is the one whose
                // distribution is shown.
                let count = snapshot.parameters.count
                let selected = AppState.moved(optimizerSelection, action, count: count, page: 5)
                if selected != optimizerSelection {
                    optimizerSelection = selected
                    return [.selectParameter(selected)]
                }
            case .model, .forward, .data:
                pageScroll = max(0, AppState.moved(pageScroll, action, count: 1000, page: 10))
            }
        }
        return []
    }

    private mutating func move(_ action: Action, snapshot: TrainingSnapshot) {
        switch focus {
        case .loss:
            let last = AppState.lossWindows.count - 1
            switch action {
            case .up, .right: lossZoom = min(last, lossZoom + 1)
            case .down, .left: lossZoom = max(0, lossZoom - 1)
            case .home: lossZoom = 0
            case .end: lossZoom = last
            default: break
            }
        case .gradients:
            let count = snapshot.parameters.count
            gradientSelection = AppState.moved(gradientSelection, action, count: count, page: 5)
        case .graph:
            switch action {
            case .left: toggleSelectedModule(snapshot, fold: true)
            case .right: toggleSelectedModule(snapshot, fold: false)
            default:
                let rows = graphRows(snapshot)
                guard let current = selectedGraphRow(rows, snapshot) else { return }
                let row = AppState.moved(current, action, count: rows.count, page: 10)
                graphSelection = rows[row].nodes.first
            }
        case .backward:
            let limit = backwardScrollLimit(snapshot)
            backwardScroll = min(limit, AppState.moved(backwardScroll, action, count: limit + 1, page: 5))
        }
    }

    /// `index` moved by a navigation action within 0..<count.
    static func moved(_ index: Int, _ action: Action, count: Int, page: Int) -> Int {
        guard count > 0 else { return 0 }
        let target: Int
        switch action {
        case .up: target = index - 1
        case .down: target = index + 1
        case .pageUp: target = index - page
        case .pageDown: target = index + page
        case .home: target = 0
        case .end: target = count - 1
        default: target = index
        }
        return min(max(0, target), count - 1)
    }

    /// Folds (true), unfolds (false) or toggles (nil) the module of the selected graph row.
    private mutating func toggleSelectedModule(_ snapshot: TrainingSnapshot, fold: Bool?) {
        let rows = graphRows(snapshot)
        guard let current = selectedGraphRow(rows, snapshot), let module = rows[current].module else { return }
        let folded = collapsedModules.contains(module)
        let shouldFold = fold ?? !folded
        if shouldFold && !folded {
            collapsedModules.append(module)
        } else if !shouldFold && folded {
            collapsedModules.removeAll { $0 == module }
        }
        // Keep the selection on the same place in the tree.
        graphSelection = rows[current].nodes.first
    }

    /// Folds every module, or unfolds them all when they already are.
    private mutating func toggleAllModules(_ snapshot: TrainingSnapshot) {
        var modules: [String] = []
        for node in snapshot.graph?.nodes ?? [] {
            if let m = node.module, !modules.contains(m) { modules.append(m) }
        }
        if !modules.isEmpty && modules.allSatisfy(collapsedModules.contains) {
            collapsedModules = []
        } else {
            collapsedModules = modules
        }
    }

    /// How far the backward step panel can scroll at the current terminal size.
    func backwardScrollLimit(_ snapshot: TrainingSnapshot) -> Int {
        let layout = Layout(width: viewport.width, height: viewport.height)
        let inner = layout.backward.inset(1)
        guard !layout.isTooSmall, inner.height > 0 else { return 0 }
        let panel = BackwardPanel(graph: snapshot.graph, cursor: snapshot.cursor, parameters: snapshot.parameters.map(\.name), scroll: 0)
        let count = panel.lineCount(width: inner.width, height: inner.height, theme: Theme(colors: false, ascii: false))
        return max(0, count - inner.height)
    }
}
