using System.Text;
using System.Text.Json;
using Ledger.Checkpoints;

namespace Ledger.Tests.Log;

/// <summary>
/// A resident's offline check of a bundle the server handed out (docs/FORMAT.md §10.5): the
/// exact member set, then the core's one implementation of §10.6 under the pinned log key.
/// </summary>
public static class OfflineBundleCheck
{
    /// <returns>Null if the bundle checks out; else the reason it does not.</returns>
    public static string? Check(JsonElement bundle, string pinnedVerifierKey)
    {
        Assert.Equal(["checkpoint", "entry", "format", "leafIndex", "logVerifierKey", "proof"],
            bundle.EnumerateObject().Select(m => m.Name).Order(StringComparer.Ordinal));
        return Check(Encoding.UTF8.GetBytes(bundle.GetRawText()), pinnedVerifierKey);
    }

    public static string? Check(byte[] bundle, string pinnedVerifierKey)
    {
        OfflineBundle parsed;
        try
        {
            parsed = OfflineBundle.Parse(bundle);
        }
        catch (FormatException e)
        {
            return e.Message;
        }
        var verdict = parsed.Verify(pinnedVerifierKey);
        return verdict.Result == BundleResult.Valid ? null : $"{verdict.Result}: {verdict.Reason}";
    }
}
