using System.Net;
using System.Text.Json.Nodes;
using Ledger.Canonical;
using Ledger.Client;
using Ledger.Rules.Households;
using Ledger.Rules.Projects;
using Ledger.Rules.Registry;

namespace Ledger.Tests.Views;

/// <summary>
/// The owners' vote through real HTTP (docs/ENTRIES.md "The owners' vote"): a campaign its
/// project's policy holds back until a vote passes, one ballot per household, and who reads
/// what — the vote and its tally on the public project stream, how a household voted only on
/// the household's stream, which a stranger, another household, the finance officer and the
/// volunteer coordinator cannot read (the last two read the household's view without its ballots).
/// </summary>
public sealed class VoteAccessTests(VoteAccessTests.VoteScenario scenario) : IClassFixture<VoteAccessTests.VoteScenario>
{
    const string ProjectId = "vote-lift";
    const string VoteId = "lift-2026";

    ApiServer Api => scenario.Api;

    [Fact]
    public async Task CampaignIsRefusedWhileNoVoteHasPassed()
    {
        var response = await Api.Client.SendAsync(Api.Officer, ProjectCommandTypes.StartCampaign, new()
        {
            ["projectId"] = ProjectId, ["targetFen"] = 1, ["rule"] = "Flat",
            ["households"] = new JsonArray(new JsonObject { ["householdId"] = ApiServer.HouseholdA }),
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("CampaignNeedsPassedVote", response.Code);
    }

    [Fact]
    public async Task HouseholdVotesOnce()
    {
        var response = await Api.Client.SendAsync(Api.ResidentA, HouseholdCommandTypes.CastBallot, Ballot("Agree"));

        Assert.Equal("BallotAlreadyCast", response.Code);
    }

    [Fact]
    public async Task AStrangerReadsTheVoteButNotTheBallot()
    {
        var view = await Api.Client.GetAsync($"/v1/projects/{ProjectId}");
        var stream = await Api.Client.GetAsync($"/v1/entries?stream=project/{ProjectId}");
        var ballots = await Api.Client.GetAsync($"/v1/entries?stream=household/{ApiServer.HouseholdA}");
        var neighbour = await Api.Client.GetAsync($"/v1/entries?stream=household/{ApiServer.HouseholdA}", Api.ResidentB);

        Assert.Equal(HttpStatusCode.OK, view.Status);
        var vote = view.Body.GetProperty("votes")[0];
        Assert.Equal(2, vote.GetProperty("scopeHouseholds").GetInt64());
        Assert.Equal(19_150, vote.GetProperty("scopeAreaHundredths").GetInt64());
        Assert.Equal(HttpStatusCode.OK, stream.Status);
        Assert.Contains("VoteOpened", stream.Body.GetRawText());
        Assert.DoesNotContain("Against", stream.Body.GetRawText());
        Assert.DoesNotContain(HouseholdCommandTypes.CastBallot, stream.Body.GetRawText());
        Assert.Equal(HttpStatusCode.Unauthorized, ballots.Status);
        Assert.Equal(HttpStatusCode.Forbidden, neighbour.Status);
    }

    [Fact]
    public async Task TheHouseholdTheResidentSupervisorAndTheAuditorReadTheBallot()
    {
        foreach (var reader in new[] { Api.ResidentA, Api.ResidentSupervisor, Api.Auditor })
        {
            var response = await Api.Client.GetAsync($"/v1/entries?stream=household/{ApiServer.HouseholdA}", reader);

            Assert.Equal(HttpStatusCode.OK, response.Status);
            Assert.Contains(HouseholdEntryTypes.BallotCast, response.Body.GetRawText());
            Assert.Contains("Against", response.Body.GetRawText());
        }
    }

    [Fact]
    public async Task TheFinanceOfficerAndTheCoordinatorReadTheHouseholdsFiguresButNotItsBallot()
    {
        foreach (var reader in new[] { Api.Officer, Api.Coordinator })
        {
            var stream = await Api.Client.GetAsync($"/v1/entries?stream=household/{ApiServer.HouseholdA}", reader);
            var view = await Api.Client.GetAsync($"/v1/households/{ApiServer.HouseholdA}", reader);

            Assert.Equal(HttpStatusCode.Forbidden, stream.Status);
            Assert.Equal(HttpStatusCode.OK, view.Status);
            Assert.DoesNotContain("Ballot", view.Body.GetRawText());
            Assert.DoesNotContain("Against", view.Body.GetRawText());
        }
    }

    [Fact]
    public async Task TheHouseholdsOwnViewShowsItsBallot()
    {
        var view = await Api.Client.GetAsync($"/v1/households/{ApiServer.HouseholdA}", Api.ResidentA);

        Assert.Equal(HttpStatusCode.OK, view.Status);
        Assert.Contains(view.Body.GetProperty("history").EnumerateArray(), e => e.GetProperty("type").GetString() == HouseholdEntryTypes.BallotCast);
    }

    static JsonObject Ballot(string choice) => new()
    {
        ["householdId"] = ApiServer.HouseholdA, ["projectId"] = ProjectId, ["voteId"] = VoteId, ["choice"] = choice,
    };

    /// <summary>Two households with their floor areas, a project whose policy asks for a vote, the vote open, household A against.</summary>
    public sealed class VoteScenario : IAsyncLifetime
    {
        public ApiServer Api { get; } = new();

        public async Task InitializeAsync()
        {
            await Api.InitializeAsync();
            foreach (var (householdId, area) in new[] { (ApiServer.HouseholdA, 8_936L), (ApiServer.HouseholdB, 10_214L) })
            {
                await SendAsync(Api.Registrar, RegistryCommandTypes.RecordFloorArea, new() { ["householdId"] = householdId, ["floorAreaHundredths"] = area });
            }
            var project = Commands.CommandRefusalTests.OpenProject(ProjectId);
            project["votePolicy"] = new JsonObject { ["campaignRequiresVote"] = true };
            await SendAsync(Api.Officer, ProjectCommandTypes.OpenProject, project);
            var now = DateTimeOffset.UtcNow;
            await SendAsync(Api.OwnerRepresentative, ProjectCommandTypes.OpenVote, new()
            {
                ["projectId"] = ProjectId, ["voteId"] = VoteId, ["question"] = "加装电梯及居民众筹方案", ["matter"] = "RaiseFunds",
                ["households"] = new JsonArray(ApiServer.HouseholdA, ApiServer.HouseholdB),
                ["opensAt"] = LedgerTime.Format(now.AddMinutes(-1)), ["closesAt"] = LedgerTime.Format(now.AddDays(14)),
            });
            await SendAsync(Api.ResidentA, HouseholdCommandTypes.CastBallot, Ballot("Against"));
        }

        public Task DisposeAsync() => Api.DisposeAsync();

        async Task SendAsync(PersonKey signer, string type, JsonObject body)
        {
            var response = await Api.Client.SendAsync(signer, type, body);
            Assert.True(response.IsSuccess, $"{type}: {response.Status} {response.Body}");
        }
    }
}
