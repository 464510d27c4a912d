/// A static route's `Transport` as PowerShell prints it (the ToString of `SipProxy.Transport`).
///
/// TLS, from real output [M4]:
/// `TransportChoice=Certificate=Microsoft.Rtc.Management.WritableConfig.Settings.SipProxy.UseDefaultCert;Fqdn=vcsc.contoso.com;Port=5061`.
/// TCP: no real sample was found; the form `TransportChoice=IPAddress=<ip>;Port=<n>` is INFERRED from the TCP choice
/// holding an IP address (New-CsSipProxyTCP -IPAddress [M3]). So the text is read loosely: `;`-separated parts of
/// `key=value` (a value may itself be `key=value`, as `TransportChoice=Certificate=…`), keys without case and in any
/// order, spaces around parts allowed. An `Fqdn` (with a `Certificate`, or no IP address) is TLS; an `IPAddress` is
/// TCP; `Port` is optional (New-CsStaticRoute's defaults apply). (../shared/EXPORTS.md §3.1)
struct SfBTransport: Equatable {
    enum Kind: String { case tls, tcp }

    var kind: Kind
    /// The next hop (an FQDN for TLS, an address for TCP) and its UTF-8 offset in the text.
    var destination: String
    var destinationOffset: Int
    /// The port as written, and its offset.
    var port: String?
    var portOffset: Int?

    /// What the reader accepts, for messages.
    static let forms = "TransportChoice=Certificate=…;Fqdn=…;Port=… (TLS) nor TransportChoice=IPAddress=…;Port=… (TCP)"

    static func parse(_ text: String) -> SfBTransport? {
        let bytes = Array(text.utf8)
        // Ranges, not strings, so that a text of many `=` costs no more than its length.
        var values: [String: Range<Int>] = [:]
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var from = range.lowerBound
            var to = range.upperBound
            while from < to, bytes[from] == 32 || bytes[from] == 9 { from += 1 }
            while to > from, bytes[to - 1] == 32 || bytes[to - 1] == 9 { to -= 1 }
            return from..<to
        }
        var partStart = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ";") {
            // Every `key=` of the part names the rest of the part: TransportChoice → "Certificate=…", Certificate → "…".
            var keyStart = partStart
            var cursor = partStart
            while cursor < index {
                if bytes[cursor] == UInt8(ascii: "=") {
                    let key = trimmed(keyStart..<cursor)
                    // Only the keys read are kept (a key is short; a longer "key" is a value's text).
                    if key.count <= 16 {
                        let name = String(decoding: bytes[key], as: UTF8.self).lowercased()
                        if ["fqdn", "ipaddress", "port", "certificate"].contains(name), values[name] == nil {
                            values[name] = trimmed((cursor + 1)..<index)
                        }
                    }
                    keyStart = cursor + 1
                }
                cursor += 1
            }
            partStart = index + 1
        }
        func value(_ key: String) -> (text: String, offset: Int)? {
            guard let range = values[key] else { return nil }
            return (String(decoding: bytes[range], as: UTF8.self), range.lowerBound)
        }
        let fqdn = value("fqdn").flatMap { $0.text.isEmpty ? nil : $0 }
        let address = value("ipaddress").flatMap { $0.text.isEmpty ? nil : $0 }
        let kind: Kind
        let destination: (text: String, offset: Int)
        switch (fqdn, address) {
        case (let fqdn?, nil):
            (kind, destination) = (.tls, fqdn)
        case (nil, let address?):
            (kind, destination) = (.tcp, address)
        case (let fqdn?, let address?):
            (kind, destination) = values["certificate"] != nil ? (.tls, fqdn) : (.tcp, address)
        case (nil, nil):
            return nil
        }
        let port = value("port")
        return SfBTransport(kind: kind, destination: destination.text, destinationOffset: destination.offset, port: port?.text, portOffset: port?.offset)
    }
}
