/// What `TemplateText` fills a template with: texts by name, and lists of nested items by name.
public struct TemplateItem: Sendable {
    public var values: [String: String]
    public var sections: [String: [TemplateItem]]

    public init(_ values: [String: String] = [:], sections: [String: [TemplateItem]] = [:]) {
        self.values = values
        self.sections = sections
    }

    /// A section that renders its body once (a list of one empty item) when `condition` holds, else not at all.
    public static func when(_ condition: Bool) -> [TemplateItem] { condition ? [TemplateItem()] : [] }
}

/// A small logic-less template language: `{{name}}` (HTML-escaped) and `{{#list}}…{{/list}}` repeated per item;
/// sections nest. A name is looked up in the current item, then in the items around it, out to the root; an unknown
/// name renders empty, and so does a section tag left unclosed or a closing tag that opens nothing. The template is
/// parsed once, so rendering is linear in the output.
public enum TemplateText {
    public static func render(_ template: String, values: [String: String], sections: [String: [[String: String]]])
        -> String
    {
        render(template, TemplateItem(values, sections: sections.mapValues { $0.map { TemplateItem($0) } }))
    }

    public static func render(_ template: String, _ root: TemplateItem) -> String {
        var output = ""
        output.reserveCapacity(template.utf8.count * 2)
        var scope = [root]
        write(parse(template), scope: &scope, into: &output)
        return output
    }

    private indirect enum Node {
        case text(Substring)
        case value(String)
        case section(String, [Node])
    }

    /// The template as a tree of texts, values and sections.
    private static func parse(_ template: String) -> [Node] {
        // Open sections, innermost last: the name and the nodes read so far inside it.
        var open: [(name: String?, nodes: [Node])] = [(nil, [])]
        var rest = Substring(template)
        while let start = rest.range(of: "{{"), let end = rest.range(of: "}}", range: start.upperBound..<rest.endIndex)
        {
            if start.lowerBound > rest.startIndex {
                open[open.count - 1].nodes.append(.text(rest[..<start.lowerBound]))
            }
            let tag = rest[start.upperBound..<end.lowerBound]
            if tag.hasPrefix("#") {
                open.append((String(tag.dropFirst()), []))
            } else if tag.hasPrefix("/"), open.count > 1, open[open.count - 1].name == String(tag.dropFirst()) {
                let closed = open.removeLast()
                open[open.count - 1].nodes.append(.section(closed.name ?? "", closed.nodes))
            } else if !tag.hasPrefix("/") {
                open[open.count - 1].nodes.append(.value(String(tag)))
            }
            rest = rest[end.upperBound...]
        }
        if !rest.isEmpty { open[open.count - 1].nodes.append(.text(rest)) }
        // A section never closed: its tag renders empty and what it held stays where it was.
        while open.count > 1 {
            let unclosed = open.removeLast()
            open[open.count - 1].nodes.append(contentsOf: unclosed.nodes)
        }
        return open[0].nodes
    }

    private static func write(_ nodes: [Node], scope: inout [TemplateItem], into output: inout String) {
        for node in nodes {
            switch node {
            case .text(let text): output += text
            case .value(let name):
                if let value = scope.last(where: { $0.values[name] != nil })?.values[name] {
                    appendEscaped(value, to: &output)
                }
            case .section(let name, let body):
                guard let items = scope.last(where: { $0.sections[name] != nil })?.sections[name] else { continue }
                for item in items {
                    scope.append(item)
                    write(body, scope: &scope, into: &output)
                    scope.removeLast()
                }
            }
        }
    }

    /// HTML escaping for text and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        appendEscaped(text, to: &out)
        return out
    }

    /// Appends `text`, cleaned by `ReportText.clean` and HTML-escaped, to `output`.
    private static func appendEscaped(_ text: String, to output: inout String) {
        let clean = ReportText.clean(text)
        let special: (UInt8) -> Bool = {
            $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"")
                || $0 == UInt8(ascii: "'")
        }
        guard clean.utf8.contains(where: special) else {
            output += clean
            return
        }
        for character in clean.unicodeScalars {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(character)
            }
        }
    }
}
