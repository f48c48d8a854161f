/// An element of an array: an object, as its fields, or any other value.
enum FieldElement<Source: FieldSource> {
    case object(Source.Nested)
    case other(FieldValue<Source>)
}
