using Ledger.Hashing;
using Ledger.Rules;

namespace Ledger.Grains.Hosting;

/// <summary>Where an accepted command's entry landed: the acknowledgement a client keeps.</summary>
[GenerateSerializer, Immutable]
public sealed record Acknowledgement(string Stream, long Sequence, Hash Hash, long LogPosition);

/// <summary>The answer to a command: accepted with its entries' places, or refused with a result code.</summary>
[GenerateSerializer, Immutable]
public abstract record CommandOutcome
{
    /// <param name="Entries">Every entry the command wrote, in log order.</param>
    /// <param name="Replayed">True when this is the first result of an earlier, identical command.</param>
    [GenerateSerializer, Immutable]
    public sealed record Accepted(IReadOnlyList<Acknowledgement> Entries, bool Replayed) : CommandOutcome;

    [GenerateSerializer, Immutable]
    public sealed record Refused(ResultCode Code, string Message) : CommandOutcome;

    internal static Refused From(Decision.Refuse refusal) => new(refusal.Code, refusal.Message);
}
