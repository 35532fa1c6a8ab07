namespace Ledger.Grains.Hosting;

public sealed record GrainHostOptions
{
    /// <summary>Grains kept in memory at most; the least recently used idle ones go first.</summary>
    public int MaxActiveGrains { get; init; } = 10_000;

    /// <summary>A grain unused for this long is deactivated by the next sweep.</summary>
    public TimeSpan IdleAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often idle grains are swept out.</summary>
    public TimeSpan SweepEvery { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Decide-and-append attempts per command before a conflict is reported.</summary>
    public int MaxAttempts { get; init; } = 8;
}
