/// `ACUBE_DATA_MISSING`: PEMs with POS sales and no A-Cube folder.
extension Reconciler {
    mutating func evaluateMissingAcubeData(_ pems: [String: Int]) {
        for (pem, count) in pems {
            findings.append(
                Finding(
                    code: .acubeDataMissing, pem: pem,
                    detail: "\(count) POS sale\(count == 1 ? "" : "s") for \(pem) but no acube/\(pem)/ folder:"
                        + " receipts, journals and notifications were not checked"))
        }
    }
}
