// The first-use self-test: libsodium loads, sodium_init succeeds, and its sizes are RFC 8032's.
using Ledger.Signing;
using Ledger.Signing.Interop;

namespace Ledger.Tests.Signing;

public sealed class LibsodiumSelfTestTests
{
    [Fact]
    public void LibsodiumLoadsAndPassesTheSizeSelfTest()
    {
        Assert.Null(Record.Exception(Ed25519.EnsureAvailable));
        // Called again on purpose: the self-test runs once and later calls are no-ops.
        Assert.Null(Record.Exception(Ed25519.EnsureAvailable));
    }

    [Fact]
    public void NativeSizesAreTheOnesRfc8032Fixes()
    {
        Ed25519.EnsureAvailable();

        Assert.Equal(64u, (uint)Libsodium.crypto_sign_ed25519_bytes());
        Assert.Equal(32u, (uint)Libsodium.crypto_sign_ed25519_publickeybytes());
        Assert.Equal(64u, (uint)Libsodium.crypto_sign_ed25519_secretkeybytes());
        Assert.Equal(32u, (uint)Libsodium.crypto_sign_ed25519_seedbytes());
    }

    [Fact]
    public void SizeMismatchIsReportedOnOneLine()
    {
        var error = Assert.Throws<LibsodiumUnavailableException>(
            () => Libsodium.CheckSize("crypto_sign_ed25519_bytes", 63, 64));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("crypto_sign_ed25519_bytes() = 63, expected 64", error.Message);
    }
}
