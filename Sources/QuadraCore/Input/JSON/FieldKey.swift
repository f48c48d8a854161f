/// The keys a decoder reads from one kind of JSON object, spelled by their raw values as the input spells them:
/// the tree source looks them up by that text, the scanned source matches them on the bytes (`ByteSpelled`) and
/// keeps each one's value in a slot of its own (`position`).
protocol FieldKey: ByteSpelled {
    /// The keys of the objects this object's arrays hold (a sale's lines); its own where it holds none.
    associatedtype Nested: FieldKey = Self
}
