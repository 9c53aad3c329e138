/// A short list of optional references kept inline: a node's edges and the gradients its
/// backward returns.
///
/// Every op records at most three inputs (addmm and conv2d have three), so a node's edges and
/// its backward's result fit in three slots and recording or running a node allocates no array
/// for them; a longer list spills from the fourth element on into an array. The 0-d chain in the
/// benchmark spent two of its seven mallocs per op on these two arrays.
///
/// It reads like the array it replaces (`[g, nil]` builds one, `for edge in node.edges`,
/// `count`, subscripts), so backward closures still return array literals.
public struct SmallList<Object: AnyObject>: RandomAccessCollection, ExpressibleByArrayLiteral {
    private var first: Object?
    private var second: Object?
    private var third: Object?
    /// Elements from the fourth on; empty (no allocation) for up to three.
    private var spilled: [Object?] = []
    public private(set) var count = 0

    public init() {}

    /// Inlined, so the literal's own array never leaves the caller's frame and the optimiser
    /// can keep it on the stack: the elements are copied out of it, never stored.
    @inline(__always)
    public init(arrayLiteral elements: Object?...) {
        for element in elements { append(element) }
    }

    public init<S: Sequence>(_ elements: S) where S.Element == Object? {
        for element in elements { append(element) }
    }

    /// One or two elements without an array literal: the literal's array, even kept on the
    /// stack, is destroyed through the runtime's generic array code (a tenth of a 0-d op's
    /// backward), so the ops of the scalar chain return their gradients with these.
    @inline(__always)
    public init(_ element: Object?) {
        first = element
        count = 1
    }

    @inline(__always)
    public init(_ first: Object?, _ second: Object?) {
        self.first = first
        self.second = second
        count = 2
    }

    /// `count` nils: the result of a node that received no gradient.
    public init(nils count: Int) {
        for _ in 0..<count { append(nil) }
    }

    @inline(__always)
    public mutating func append(_ element: Object?) {
        switch count {
        case 0: first = element
        case 1: second = element
        case 2: third = element
        default: spilled.append(element)
        }
        count += 1
    }

    /// Moves the element at `index` out, leaving nil: the engine hands each gradient on
    /// without copying it (a copy costs a retain now and a release when the list goes).
    @inline(__always)
    public mutating func take(at index: Int) -> Object? {
        ensure(index >= 0 && index < count, "index \(index) out of range for \(count) elements")
        switch index {
        case 0: return first.take()
        case 1: return second.take()
        case 2: return third.take()
        default: return takeSpilled(at: index - 3)
        }
    }

    /// Out of line: were the spilled array's mutation visible in a caller's loop over `take`,
    /// the optimiser would hoist its copy-on-write check out of the loop and copy the (empty)
    /// array on every call.
    @inline(never)
    private mutating func takeSpilled(at index: Int) -> Object? {
        spilled[index].take()
    }

    /// Calls `body` with each index and element as an unretained reference: for a caller that
    /// keeps the list's owner alive and wants no reference counting at all while it walks.
    @inline(__always)
    func forEachUnretained(_ body: (Int, Unmanaged<Object>?) -> Void) {
        for i in 0..<count { body(i, self[i].map { Unmanaged.passUnretained($0) }) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    @inline(__always)
    public subscript(index: Int) -> Object? {
        ensure(index >= 0 && index < count, "index \(index) out of range for \(count) elements")
        switch index {
        case 0: return first
        case 1: return second
        case 2: return third
        default: return spilled[index - 3]
        }
    }
}
