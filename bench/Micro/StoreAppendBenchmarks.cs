using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Ledger.Bench.Limits;
using Ledger.Bench.Log;
using Ledger.Entries;
using Ledger.Grains.Storage;

namespace Ledger.Bench.Micro;

/// <summary>
/// EntryStore.AppendAsync, durably committed (synchronous_commit on), on a throwaway local
/// cluster started once per benchmark process: one entry per transaction, and batches of 100
/// and 500 entries of as many streams in one transaction (group commit). Each entry is the next
/// of its stream, so the chain link is checked as in production. Entries are made in
/// the iteration setup, outside the timing; the time is per AppendAsync call (per batch).
/// </summary>
[Config(typeof(StoreAppendConfig))]
public class StoreAppendBenchmarks
{
    // Fixed invocations per iteration, so that the setup can make exactly the entries an iteration appends.
    const int InvocationsPerIteration = 64;

    readonly Queue<Entry[]> ready = new();
    Machine.ScratchCluster scratch = null!;
    LedgerDatabase database = null!;
    ChainedEntries entries = null!;

    [Params(1, 100, 500)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        scratch = Machine.StartClusterAsync("micro-store", CancellationToken.None).GetAwaiter().GetResult();
        database = LedgerDatabase.OpenAsync(scratch.Cluster.ConnectionString, scratch.Folder, CancellationToken.None).GetAwaiter().GetResult();
        var (version, synchronousCommit) = scratch.SettingsAsync(database.DataSource, CancellationToken.None).GetAwaiter().GetResult();
        Console.WriteLine($"PostgreSQL {version}, synchronous_commit={synchronousCommit}, schema version {database.SchemaVersion}");
        entries = new ChainedEntries(streamCount: 1_000, runName: $"append-{BatchSize}");
    }

    [IterationSetup]
    public void MakeEntries()
    {
        // Batches left over from an earlier stage stay first: a stream's entries must reach the store in order.
        while (ready.Count < InvocationsPerIteration)
        {
            ready.Enqueue(entries.Next(BatchSize));
        }
    }

    [Benchmark]
    public async Task<AppendResult> Append()
    {
        var batch = ready.Count > 0 ? ready.Dequeue() : entries.Next(BatchSize);
        var result = await database.Entries.AppendAsync(batch, CancellationToken.None);
        return result as AppendResult.Appended ?? throw new InvalidOperationException($"a benchmark append was refused: {result}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        scratch.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    sealed class StoreAppendConfig : ManualConfig
    {
        public StoreAppendConfig()
        {
            AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(2)
                .WithIterationCount(6)
                .WithInvocationCount(InvocationsPerIteration)
                .WithUnrollFactor(1));
            AddDiagnoser(MemoryDiagnoser.Default);
        }
    }
}
