/// A sale as registers name it: its PEM and the POS's sale id.
struct PemSale: Hashable, Sendable {
    var pem: String
    var sale: String
}
