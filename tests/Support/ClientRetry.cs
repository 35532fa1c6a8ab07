using Ledger.Entries;
using Ledger.Grains.Hosting;
using Ledger.Rules;

namespace Ledger.Tests.Hosting;

/// <summary>What a client does with a 409 conflict: send the same signed command again, a few times.</summary>
public static class ClientRetry
{
    public static async Task<CommandOutcome> ExecuteAsync(LedgerGrains host, SignedCommand command)
    {
        var outcome = await host.ExecuteAsync(command, default);
        for (var retry = 0; retry < 10 && outcome is CommandOutcome.Refused { Code: ResultCode.Conflict }; retry++)
        {
            outcome = await host.ExecuteAsync(command, default);
        }
        return outcome;
    }
}
