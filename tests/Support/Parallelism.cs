// Test classes run two at a time on every machine, whatever its cores. xunit's default is one
// thread per core: on a CI machine with more cores than ours, more test servers were alive at
// once than the throwaway PostgreSQL server's 100 connections allow ("53300: sorry, too many
// clients already"), so the same tests passed here and failed there.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
