using System.Net;
using Ledger.Canonical;
using Ledger.Grains.Storage;
using Ledger.Rules;
using Ledger.Rules.Projects;
using Ledger.Tests.Support;

namespace Ledger.Tests.Commands;

/// <summary>
/// Through real HTTP: a server whose clock is more than the skew behind the greatest recorded
/// time of the log (FORMAT.md §4.5) answers 503 with the stable code ClockBehindLog and writes
/// nothing (docs/API.md "Errors"). The class has a server of its own: the log it leaves is not
/// a valid ledger.
/// </summary>
public sealed class ClockBehindLogTests(ApiServer api) : IClassFixture<ApiServer>
{
    [Fact]
    public async Task AServerWhoseClockIsBehindTheLogAnswers503ClockBehindLogAndWritesNothing()
    {
        // Another server on the database, whose clock runs an hour ahead, wrote the log's latest entry.
        var anHourAhead = LedgerTime.Truncate(DateTimeOffset.UtcNow.AddHours(1));
        Assert.IsType<AppendResult.Appended>(await api.Server.Database.Entries.AppendAsync(
            [SampleEntries.Next("household/clock-ahead", null, recordedAt: anHourAhead)], default));
        var before = await api.LogSizeAsync();

        var response = await api.Client.SendAsync(api.Officer, ProjectCommandTypes.OpenProject, CommandRefusalTests.OpenProject("clock-behind"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal(nameof(ResultCode.ClockBehindLog), response.Code);
        Assert.Equal((int)ResultCode.ClockBehindLog, response.Body.GetProperty("resultCode").GetInt32());
        Assert.Contains("send the same command again", response.Body.GetProperty("detail").GetString());
        Assert.Equal(before, await api.LogSizeAsync());
    }
}
