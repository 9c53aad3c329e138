import Foundation
import Lessons
import Testing

/// Each chapter's key results, computed by the engine now, against what PyTorch 2.15 did.
@Suite struct ChapterTests {
    @Test func tensors() {
        let chapter = Lessons.chapter(.a)
        #expect(chapter.fact("array result") == String(Float(LessonFixtures.number(.a, "array_result"))))
        #expect(chapter.fact("y") == LessonFixtures.string(.a, "y"))
        #expect(chapter.fact("x.grad before backward") == LessonFixtures.string(.a, "x_grad_before"))
        #expect(chapter.fact("x.grad") == LessonFixtures.string(.a, "x_grad"))
        #expect(chapter.fact("dtype") == LessonFixtures.string(.a, "dtype"))
        #expect(chapter.fact("device") == LessonFixtures.string(.a, "device"))
        #expect(chapter.fact("shape") == "torch.Size(\(LessonFixtures.shape(LessonFixtures.chapter(.a)["shape"]!)))")
        #expect(chapter.fact("h.grad_fn") == LessonFixtures.string(.a, "h_grad_fn"))
        #expect(chapter.fact("integer requires_grad") == LessonFixtures.error(.a, "integer_requires_grad"))
        #expect(chapter.fact("non-leaf warning") == LessonFixtures.string(.a, "non_leaf_warning"))
        #expect(chapter.fact("retained grad") == LessonFixtures.string(.a, "retained_grad"))
        #expect(chapter.errors.map(\.message) == [LessonFixtures.error(.a, "integer_requires_grad"),
                                                  LessonFixtures.string(.a, "non_leaf_warning")])
    }

    @Test func modules() {
        let chapter = Lessons.chapter(.b)
        #expect(chapter.fact("parameters, 1 channel") == String(LessonFixtures.int(.b, "parameters_1_channel")))
        #expect(chapter.fact("parameters, 3 channels") == String(LessonFixtures.int(.b, "parameters_3_channels")))
        #expect(chapter.fact("parameters, 1 channel") == "61706")
        #expect(chapter.fact("parameters, 3 channels") == "62006")
        #expect(chapter.fact("parameter tensors") == String(LessonFixtures.int(.b, "parameter_tensors")))
        #expect(chapter.fact("print(net)") == LessonFixtures.string(.b, "print"))
        for entry in LessonFixtures.chapter(.b)["named_parameters"] as! [[String: Any]] {
            #expect(chapter.fact("shape \(entry["name"] as! String)") == LessonFixtures.shape(entry["shape"]!))
        }
        #expect(chapter.fact("optimizer holds the module's tensors after .to") == "True")
        // No GPU in the tests: .to(cuda) is refused with the engine's reason, and nothing moved.
        #expect(chapter.fact("to(cuda) error")?.contains("cuda:0 is not available") == true)
        #expect(chapter.fact("device after .to") == "cpu")
    }

    @Test func callingAModule() {
        let chapter = Lessons.chapter(.c)
        #expect(chapter.fact("call log") == LessonFixtures.strings(.c, "call_log").joined(separator: "\n"))
        #expect(chapter.fact("forward log") == LessonFixtures.strings(.c, "forward_log").joined(separator: "\n"))
        #expect(chapter.fact("grad_fn") == LessonFixtures.string(.c, "grad_fn"))
        #expect(LessonFixtures.chapter(.c)["no_grad_fn"] is NSNull)
        #expect(chapter.fact("no_grad grad_fn") == "None")
        #expect(chapter.fact("no_grad requires_grad") == (LessonFixtures.bool(.c, "no_grad_requires_grad") ? "True" : "False"))
        #expect(chapter.fact("no_grad backward") == LessonFixtures.error(.c, "no_grad_backward"))
        #expect(chapter.fact("graph nodes under no_grad") == "0")
        #expect(chapter.fact("graph nodes with grad") == "27")
        #expect(chapter.fact("eval grad_fn") == LessonFixtures.string(.c, "eval_grad_fn"))
        #expect(chapter.fact("train outputs differ") == "True")
        #expect(chapter.fact("eval outputs differ") == "False")
    }

    @Test func flatten() {
        let chapter = Lessons.chapter(.d)
        let ribbon = (LessonFixtures.chapter(.d)["ribbon"] as! [[Any]]).map { "\($0[0] as! String) \(LessonFixtures.shape($0[1]))" }
        #expect(chapter.fact("ribbon") == ribbon.joined(separator: "\n"))
        #expect(chapter.fact("error without flatten") == LessonFixtures.error(.d, "without_flatten"))
        #expect(chapter.fact("error without flatten") == "RuntimeError: addmm: mat1 and mat2 shapes cannot be multiplied (320x5 and 400x120)")
        #expect(chapter.fact("failed layer") == "fc1")
        #expect(chapter.fact("failed layer input") == LessonFixtures.shape(LessonFixtures.chapter(.d)["fc1_input_without_flatten"]!))
    }

    @Test func backward() {
        let chapter = Lessons.chapter(.e)
        #expect(chapter.fact("blitz order") == LessonFixtures.strings(.e, "blitz_order").joined(separator: "\n"))
        #expect(chapter.fact("blitz nodes") == "27")
        #expect(chapter.fact("branch graphs differ") == "True")
        // The fixture's positive batch (all ones) takes the tanh branch, the negative one relu.
        #expect(chapter.fact("branch tanh") == LessonFixtures.strings(.e, "branch_positive").joined(separator: "\n"))
        #expect(chapter.fact("branch relu") == LessonFixtures.strings(.e, "branch_negative").joined(separator: "\n"))
        #expect(chapter.fact("backward twice") == LessonFixtures.error(.e, "backward_twice"))
        let retained = (LessonFixtures.chapter(.e)["retain_graph_grad"] as! [NSNumber]).map { "\($0.intValue)." }
        #expect(chapter.fact("retain_graph grad") == "tensor([\(retained.joined(separator: ", "))])")
    }

    @Test func zeroGrad() {
        let chapter = Lessons.chapter(.f)
        #expect(chapter.fact("ratio min") == LessonFixtures.string(.f, "ratio"))
        #expect(chapter.fact("ratio max") == LessonFixtures.string(.f, "ratio"))
        #expect(chapter.fact("ratio max") == "2.000000")
        #expect(LessonFixtures.number(.f, "twice_minus_two_once") == 0)
        #expect(chapter.fact("max |grad2 - 2 grad1|") == "0.00e+00")
        let accumulation = Double(chapter.fact("accumulation max difference") ?? "") ?? .infinity
        #expect(accumulation <= LessonFixtures.number(.f, "accumulation_max_difference_below"))
        #expect(chapter.fact("loss with zero_grad falls") == "True")
        #expect(chapter.fact("loss without zero_grad climbs") == "True")
    }

    @Test func optimizer() {
        let chapter = Lessons.chapter(.g)
        #expect(chapter.fact("optimizer parameters") == String(LessonFixtures.int(.g, "optimizer_parameter_count")))
        #expect(chapter.fact("left-out has grad") == (LessonFixtures.bool(.g, "left_out_has_grad") ? "True" : "False"))
        #expect(Double(chapter.fact("left-out max change") ?? "") == LessonFixtures.number(.g, "left_out_max_change"))
        #expect((Double(chapter.fact("fc3.weight max change") ?? "") ?? 0) > 0)
        #expect((Double(chapter.fact("max |w' - (w - lr grad)|") ?? "") ?? 1) < 1e-6)
        #expect((Double(chapter.fact("momentum by hand minus engine") ?? "") ?? 1) < 1e-6)
    }

    @Test func data() {
        let chapter = Lessons.chapter(.h)
        #expect(chapter.fact("dataset len") == String(LessonFixtures.int(.h, "dataset_len")))
        #expect(chapter.fact("loader len") == String(LessonFixtures.int(.h, "loader_len")))
        #expect(chapter.fact("batches in epoch 0") == String(LessonFixtures.int(.h, "loader_len")))
        let shapes = { (key: String) in (LessonFixtures.chapter(.h)[key] as! [Any]).map(LessonFixtures.shape).joined(separator: " ") }
        #expect(chapter.fact("batch shapes") == shapes("batch_shapes"))
        #expect(chapter.fact("last batch shapes") == shapes("last_batch_shapes"))
        #expect(chapter.fact("epoch orders differ") == "True")
    }

    @Test func devices() {
        let chapter = Lessons.chapter(.i)
        #expect(chapter.fact("gpus") == "0")
        #expect(chapter.fact("device mismatch") == LessonFixtures.error(.i, "device_mismatch"))
        #expect(chapter.fact("device of every tensor") == LessonFixtures.string(.i, "cpu_device"))
        let bound = LessonFixtures.number(.i, "data_parallel_max_difference_below")
        #expect((Double(chapter.fact("data parallel max difference") ?? "") ?? 1) <= bound)
        #expect(chapter.fact("activation crossing") == LessonFixtures.shape(LessonFixtures.chapter(.i)["split_activation_shape"]!))
        #expect((Double(chapter.fact("model parallel max difference") ?? "") ?? 1) <= bound)
        #expect((Double(chapter.fact("model parallel loss difference") ?? "") ?? 1) <= bound)
    }

    /// The same seed gives the same chapter; another seed other numbers (the viewer's `r`).
    @Test func seedsDecideTheNumbers() {
        #expect(Lessons.chapter(.g, seed: 3) == Lessons.chapter(.g, seed: 3))
        #expect(Lessons.chapter(.g, seed: 3) != Lessons.chapter(.g, seed: 4))
    }
}
