using Ledger.Checkpoints;

namespace Ledger.Verifier.Verification;

/// <summary>
/// The witnesses a checkpoint must be cosigned by to count (FORMAT.md §10.7): the keys given with
/// <c>--witness</c>, and how many distinct ones must have cosigned (<c>--quorum</c>, by default all).
/// Distinct by public key: the cosignature/v1 message does not name the witness, so one key
/// given under two names is one witness.
/// </summary>
public sealed record WitnessQuorum(IReadOnlyList<CosignatureVerifierKey> Witnesses, int Quorum)
{
    /// <summary>Reads the command line's witnesses and quorum; null with no witnesses.</summary>
    /// <exception cref="UnreadableInputException">A key is not a witness vkey, or the quorum is not between 1 and the number of distinct witnesses.</exception>
    public static WitnessQuorum? Parse(IReadOnlyList<string> vkeys, int? quorum)
    {
        var witnesses = new List<CosignatureVerifierKey>();
        foreach (var vkey in vkeys)
        {
            var parsed = CosignatureVerifierKey.Parse(vkey);
            if (!parsed.IsValid)
            {
                throw new UnreadableInputException($"--witness {vkey} is not a witness's verifier key (name+keyid+base64 of 0x04 and the key, FORMAT.md §10.7): {parsed.Result}");
            }
            witnesses.Add(parsed.Key);
        }
        var distinct = witnesses.Select(w => w.PublicKey).Distinct().Count();
        if (quorum is { } asked && (asked < 1 || asked > distinct))
        {
            throw new UnreadableInputException(distinct == 0
                ? "--quorum counts cosignatures by the witnesses given with --witness: give them"
                : $"--quorum {asked} is not between 1 and the {distinct} distinct witness(es) given with --witness");
        }
        return witnesses.Count == 0 ? null : new WitnessQuorum([.. witnesses.Distinct()], quorum ?? distinct);
    }
}
