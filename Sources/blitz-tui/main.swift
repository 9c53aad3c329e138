import Autograd
let x = try! Tensor([1.0, 2.0, 3.0] as [Float]).requireGrad()
let y = (x * x).sum()
try! y.backward()
print(y, x.grad!)
