namespace Ledger.Canonical;

/// <summary>
/// Binary values in the ledger's text are lowercase hexadecimal (FORMAT.md §1). Uppercase is
/// refused, so that a value has exactly one spelling and canonical bytes stay canonical.
/// </summary>
public static class Hex
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Decode(string hex, int expectedBytes) =>
        TryDecode(hex, expectedBytes, out var bytes)
            ? bytes
            : throw new FormatException($"expected {expectedBytes * 2} lowercase hex digits");

    public static bool TryDecode(string hex, int expectedBytes, out byte[] bytes)
    {
        bytes = [];
        if (hex.Length != expectedBytes * 2 || !hex.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            return false;
        }
        bytes = Convert.FromHexString(hex);
        return true;
    }
}
