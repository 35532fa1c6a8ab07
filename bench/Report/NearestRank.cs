namespace Ledger.Bench.Report;

/// <summary>The one percentile the bench's tables print: nearest rank, so that every figure is a time that was measured.</summary>
public static class NearestRank
{
    /// <summary>The value at rank ⌈<paramref name="quantile"/> × n⌉ of values sorted in ascending order; NaN if there are none.</summary>
    public static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
