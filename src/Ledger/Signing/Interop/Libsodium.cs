// P/Invoke over the system libsodium's Ed25519 (RFC 8032 §5.1, "pure" Ed25519, no context).
// Native names are kept so each line can be checked against libsodium's crypto_sign_ed25519.h;
// the library is bound by its soname because Debian 12 ships libsodium23 (1.0.18) and no NuGet
// copy is available to this build.
using System.Runtime.InteropServices;

namespace Ledger.Signing.Interop;

internal static partial class Libsodium
{
    private const string Library = "libsodium.so.23";

    // The sizes RFC 8032 §5.1.5/§5.1.6 fixes; libsodium's secret key is seed || public key.
    internal const int crypto_sign_ed25519_BYTES = 64;
    internal const int crypto_sign_ed25519_PUBLICKEYBYTES = 32;
    internal const int crypto_sign_ed25519_SECRETKEYBYTES = 64;
    internal const int crypto_sign_ed25519_SEEDBYTES = 32;

    private static readonly Lock InitializationLock = new();
    private static volatile bool s_initialized;

    [LibraryImport(Library)]
    internal static partial int sodium_init();

    [LibraryImport(Library)]
    internal static partial nuint crypto_sign_ed25519_bytes();

    [LibraryImport(Library)]
    internal static partial nuint crypto_sign_ed25519_publickeybytes();

    [LibraryImport(Library)]
    internal static partial nuint crypto_sign_ed25519_secretkeybytes();

    [LibraryImport(Library)]
    internal static partial nuint crypto_sign_ed25519_seedbytes();

    [LibraryImport(Library)]
    internal static unsafe partial int crypto_sign_ed25519_seed_keypair(
        byte* pk, SecretKeyHandle sk, byte* seed);

    [LibraryImport(Library)]
    internal static unsafe partial int crypto_sign_ed25519_detached(
        byte* sig, ulong* siglen_p, byte* m, ulong mlen, SecretKeyHandle sk);

    [LibraryImport(Library)]
    internal static unsafe partial int crypto_sign_ed25519_verify_detached(
        byte* sig, byte* m, ulong mlen, byte* pk);

    /// <summary>
    /// Loads libsodium, runs sodium_init and checks that the native sizes match the constants
    /// above, once per process. Every wrapper calls this before its first native call, so a
    /// libsodium built with other sizes can never read or write past our buffers.
    /// </summary>
    /// <exception cref="LibsodiumUnavailableException">The library is missing, fails to
    /// initialize, or reports sizes other than RFC 8032's.</exception>
    internal static void EnsureInitialized()
    {
        if (s_initialized)
        {
            return;
        }

        lock (InitializationLock)
        {
            if (s_initialized)
            {
                return;
            }

            try
            {
                // 0: initialized now; 1: already initialized by someone else in the process.
                if (sodium_init() < 0)
                {
                    throw new LibsodiumUnavailableException(
                        $"libsodium failed to initialize: sodium_init() returned -1 in {Library}");
                }
            }
            catch (DllNotFoundException e)
            {
                throw new LibsodiumUnavailableException(
                    "libsodium is missing: install it with `apt-get install libsodium23`", e);
            }

            CheckSize(nameof(crypto_sign_ed25519_bytes), crypto_sign_ed25519_bytes(), crypto_sign_ed25519_BYTES);
            CheckSize(nameof(crypto_sign_ed25519_publickeybytes), crypto_sign_ed25519_publickeybytes(), crypto_sign_ed25519_PUBLICKEYBYTES);
            CheckSize(nameof(crypto_sign_ed25519_secretkeybytes), crypto_sign_ed25519_secretkeybytes(), crypto_sign_ed25519_SECRETKEYBYTES);
            CheckSize(nameof(crypto_sign_ed25519_seedbytes), crypto_sign_ed25519_seedbytes(), crypto_sign_ed25519_SEEDBYTES);

            s_initialized = true;
        }
    }

    internal static void CheckSize(string function, nuint actual, int expected)
    {
        if (actual != (nuint)expected)
        {
            throw new LibsodiumUnavailableException(
                $"{Library} reports {function}() = {actual}, expected {expected}: this libsodium does not match the build");
        }
    }
}
