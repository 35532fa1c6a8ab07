using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Ledger.Hashing;

/// <summary>
/// SHA-256 of one input in one call, for the short inputs the ledger hashes by the million (an
/// entry, a Merkle leaf or node). .NET's one-shot <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>
/// goes through OpenSSL 3's EVP layer on Linux, which makes and frees a context and clears the
/// error queue on every call: about 0.5 µs, more than hashing 600 bytes (0.4 µs) and eight times
/// hashing a leaf. Where libcrypto 3 is loaded (Linux, where .NET itself uses it), this calls
/// OpenSSL's SHA256_Init, SHA256_Update and SHA256_Final on a context on the stack: the same
/// compression code without that cost. Elsewhere it is <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/>.
/// </summary>
public static unsafe class Sha256
{
    // OpenSSL's SHA256_CTX is 112 bytes (eight state words, two length words, a 64-byte block,
    // two counters); room to spare.
    const int ContextBytes = 128;

    static readonly delegate* unmanaged<byte*, int> init;
    static readonly delegate* unmanaged<byte*, byte*, nuint, int> update;
    static readonly delegate* unmanaged<byte*, byte*, int> final;

    static Sha256()
    {
        if (OperatingSystem.IsLinux()
            && NativeLibrary.TryLoad("libcrypto.so.3", out var library)
            && NativeLibrary.TryGetExport(library, "SHA256_Init", out var initAddress)
            && NativeLibrary.TryGetExport(library, "SHA256_Update", out var updateAddress)
            && NativeLibrary.TryGetExport(library, "SHA256_Final", out var finalAddress))
        {
            init = (delegate* unmanaged<byte*, int>)initAddress;
            update = (delegate* unmanaged<byte*, byte*, nuint, int>)updateAddress;
            final = (delegate* unmanaged<byte*, byte*, int>)finalAddress;
        }
    }

    /// <summary>Whether OpenSSL's functions are called directly (else .NET's one-shot call).</summary>
    public static bool CallsOpenSslDirectly => init != null;

    /// <summary>SHA-256 of <paramref name="input"/> into the first 32 bytes of <paramref name="destination"/>.</summary>
    public static void HashData(ReadOnlySpan<byte> input, Span<byte> destination)
    {
        if (init == null)
        {
            SHA256.HashData(input, destination);
            return;
        }
        Invariant.Holds(destination.Length >= Hash.Size, "a SHA-256 digest needs 32 bytes");
        var context = stackalloc byte[ContextBytes];
        fixed (byte* data = input)
        fixed (byte* digest = destination)
        {
            var done = init(context) == 1 && update(context, data, (nuint)input.Length) == 1 && final(digest, context) == 1;
            Invariant.Holds(done, "OpenSSL's SHA-256 failed");
        }
    }
}
