namespace Ledger.Rules;

/// <summary>
/// Money is integer fen (DESIGN.md 6): no floating point on any money path, and every sum is
/// checked (the projects build with CheckForOverflowUnderflow), so an overflow is an error,
/// never a wrap.
/// </summary>
public static class Money
{
    /// <summary>The largest single amount a command may carry: 10^12 fen, ten billion yuan.</summary>
    public const long MaxAmountFen = 1_000_000_000_000;

    public static bool IsValidAmount(long fen) => fen is > 0 and <= MaxAmountFen;

    /// <summary>
    /// <paramref name="percent"/> % of <paramref name="fen"/>, rounded down to the fen: a cap
    /// must never allow more than its share.
    /// </summary>
    public static long PercentOf(long fen, int percent) => checked(fen * percent) / 100;
}

/// <summary>Where project money comes from (docs/DOMAIN.md "Money: where project funds come from").</summary>
public enum FundingSource
{
    /// <summary>政府补贴 / 财政资金.</summary>
    GovernmentSubsidy,

    /// <summary>社会资本.</summary>
    SocialCapital,

    /// <summary>居民众筹: paid by households, never recorded as a receipt.</summary>
    ResidentCrowdfunding,

    /// <summary>自筹: property-fee surplus, ad space rent.</summary>
    SelfRaised,
}

/// <summary>Payment tied to progress, quality and audit (seed 001 §9.2): each tranche opens with its milestone.</summary>
public enum Tranche
{
    /// <summary>进度款: up to 60% of the contract price, once progress is verified.</summary>
    Progress,

    /// <summary>验收款: up to 90% in all, once acceptance has passed.</summary>
    Acceptance,

    /// <summary>质保金: the rest, once the warranty period has expired.</summary>
    Warranty,
}

/// <summary>The milestones that unlock the tranches, in the order they are reached.</summary>
public enum Milestone
{
    ProgressVerified,
    AcceptancePassed,
    WarrantyExpired,
}

public static class EnumNames
{
    /// <summary>Parses an exact enum member name; numbers and other spellings are refused.</summary>
    public static bool TryParse<TEnum>(string? name, out TEnum value) where TEnum : struct, Enum
    {
        value = default;
        return name is not null && Enum.TryParse(name, ignoreCase: false, out value) && Enum.IsDefined(value) && name == value.ToString();
    }
}
