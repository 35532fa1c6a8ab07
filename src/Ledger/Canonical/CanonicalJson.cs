using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ledger.Canonical;

/// <summary>
/// The one canonical encoder (STYLE.md 5): RFC 8785 (JSON Canonicalization Scheme) restricted
/// to strings, integers, booleans, arrays and objects, as docs/FORMAT.md §2 specifies.
/// Every byte that is hashed or signed in the ledger comes out of <see cref="Encode(JsonElement)"/>.
/// </summary>
public static class CanonicalJson
{
    /// <summary>
    /// The largest integer magnitude allowed. RFC 8785 serialises numbers as IEEE 754 doubles,
    /// which represent every integer exactly only up to 2^53 − 1, so larger values could be
    /// read differently by another implementation.
    /// </summary>
    public const long MaxSafeInteger = 9_007_199_254_740_991;

    /// <summary>Nesting deeper than this is refused, so hostile input cannot exhaust the stack.</summary>
    public const int MaxDepth = 32;

    static readonly JsonDocumentOptions StrictParsing = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth,
        AllowDuplicateProperties = false,
    };

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(value, buffer, depth: 0);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Encode(JsonNode value) => Encode(JsonSerializer.SerializeToElement(value));

    /// <summary>
    /// Parses JSON text and returns it as an immutable element, refusing anything the canonical
    /// form cannot carry (null, fractions, exponents, out-of-range integers, duplicate names).
    /// The input need not be canonical; use <see cref="ParseCanonical"/> where it must be.
    /// </summary>
    public static JsonElement Parse(ReadOnlySpan<byte> utf8) => Parse(utf8, out _);

    /// <summary>Parses bytes that must already be in canonical form, byte for byte.</summary>
    public static JsonElement ParseCanonical(ReadOnlySpan<byte> utf8)
    {
        var element = Parse(utf8, out var canonical);
        if (!canonical.WrittenSpan.SequenceEqual(utf8))
        {
            throw new CanonicalFormException("bytes are valid JSON but not in canonical form");
        }
        return element;
    }

    /// <summary>Parses, and writes the canonical form once: writing is what validates every value.</summary>
    static JsonElement Parse(ReadOnlySpan<byte> utf8, out ArrayBufferWriter<byte> canonical)
    {
        JsonElement element;
        canonical = new ArrayBufferWriter<byte>(Math.Max(utf8.Length, 1));
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray(), StrictParsing);
            element = document.RootElement.Clone();
            Write(element, canonical, depth: 0);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CanonicalFormException($"not valid JSON: {e.Message}");
        }
        return element;
    }

    static void Write(JsonElement value, IBufferWriter<byte> output, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new CanonicalFormException($"nesting deeper than {MaxDepth}");
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(value, output, depth);
                break;
            case JsonValueKind.Array:
                WriteAscii(output, "[");
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                    {
                        WriteAscii(output, ",");
                    }
                    first = false;
                    Write(item, output, depth + 1);
                }
                WriteAscii(output, "]");
                break;
            case JsonValueKind.String:
                WriteString(value.GetString()!, output);
                break;
            case JsonValueKind.Number:
                var digits = output.GetSpan(MaxIntegerBytes);
                CheckedInteger(value).TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
                output.Advance(written);
                break;
            case JsonValueKind.True:
                WriteAscii(output, "true");
                break;
            case JsonValueKind.False:
                WriteAscii(output, "false");
                break;
            default:
                throw new CanonicalFormException($"{value.ValueKind} values are not allowed");
        }
    }

    static void WriteObject(JsonElement value, IBufferWriter<byte> output, int depth)
    {
        // Each name read once: JsonProperty.Name makes a new string at every call, and sorting
        // called it twice per comparison.
        var members = new List<(string Name, JsonElement Value)>();
        foreach (var member in value.EnumerateObject())
        {
            members.Add((member.Name, member.Value));
        }
        // RFC 8785 §3.2.3: names sorted by their UTF-16 code units, which is what an ordinal
        // comparison of .NET strings does.
        members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        WriteAscii(output, "{");
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (members[i].Name == members[i - 1].Name)
                {
                    throw new CanonicalFormException($"duplicate member name \"{members[i].Name}\"");
                }
                WriteAscii(output, ",");
            }
            WriteString(members[i].Name, output);
            WriteAscii(output, ":");
            Write(members[i].Value, output, depth + 1);
        }
        WriteAscii(output, "}");
    }

    /// <summary>A long's decimal digits and its sign.</summary>
    const int MaxIntegerBytes = 20;

    static long CheckedInteger(JsonElement number)
    {
        // The number's text as the input spells it, read in place rather than copied to a string.
        var text = JsonMarshal.GetRawUtf8Value(number);
        // Only the plain integer grammar is accepted: "1.0", "1e2" and "-0" are refused rather
        // than normalised, so one value has exactly one spelling on the wire.
        var digits = text.StartsWith((byte)'-') ? text[1..] : text;
        var plain = digits.Length > 0
            && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9')
            && (digits.Length == 1 || digits[0] != '0')
            && !text.SequenceEqual("-0"u8);
        if (!plain || !Utf8Parser.TryParse(text, out long integer, out var consumed) || consumed != text.Length)
        {
            throw new CanonicalFormException($"number {Encoding.UTF8.GetString(text)} is not an integer in canonical form");
        }
        if (integer is > MaxSafeInteger or < -MaxSafeInteger)
        {
            throw new CanonicalFormException($"integer {Encoding.UTF8.GetString(text)} is beyond ±(2^53 − 1)");
        }
        return integer;
    }

    /// <summary>
    /// RFC 8785 §3.2.2.2: the escaping of ECMAScript's JSON.stringify. Runs of characters that
    /// need no escape go straight into the output as UTF-8, without a copy of the string.
    /// </summary>
    static void WriteString(string text, IBufferWriter<byte> output)
    {
        WriteAscii(output, "\"");
        var run = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                throw new CanonicalFormException("string holds a lone UTF-16 surrogate");
            }
            if (c is not ('"' or '\\' or < ' '))
            {
                continue;
            }
            WriteUtf8(output, text.AsSpan(run, i - run));
            run = i + 1;
            switch (c)
            {
                case '"': WriteAscii(output, "\\\""); break;
                case '\\': WriteAscii(output, "\\\\"); break;
                case '\b': WriteAscii(output, "\\b"); break;
                case '\f': WriteAscii(output, "\\f"); break;
                case '\n': WriteAscii(output, "\\n"); break;
                case '\r': WriteAscii(output, "\\r"); break;
                case '\t': WriteAscii(output, "\\t"); break;
                default:
                    var escape = output.GetSpan(6);
                    "\\u00"u8.CopyTo(escape);
                    ((int)c).TryFormat(escape[4..], out _, "x2", CultureInfo.InvariantCulture);
                    output.Advance(6);
                    break;
            }
        }
        WriteUtf8(output, text.AsSpan(run));
        WriteAscii(output, "\"");
    }

    /// <summary>Characters without lone surrogates (<see cref="WriteString"/> refused those), as UTF-8.</summary>
    static void WriteUtf8(IBufferWriter<byte> output, ReadOnlySpan<char> characters)
    {
        if (characters.IsEmpty)
        {
            return;
        }
        // Counted exactly rather than asked for at most: a span longer than the bytes grew a
        // buffer already as long as the input it re-encodes.
        var length = StrictUtf8.GetByteCount(characters);
        StrictUtf8.GetBytes(characters, output.GetSpan(length));
        output.Advance(length);
    }

    static void WriteAscii(IBufferWriter<byte> output, string ascii)
    {
        var span = output.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }
        output.Advance(ascii.Length);
    }
}

/// <summary>The input cannot be represented in, or is not in, the canonical encoding.</summary>
public sealed class CanonicalFormException(string message) : Exception(message);
