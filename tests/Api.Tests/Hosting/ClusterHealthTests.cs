using System.Collections.Immutable;
using System.Net;
using Ledger.Api.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ledger.Tests.Hosting;

/// <summary>
/// Issue 14: /health's cluster check is healthy only while this process's silo is an active
/// member of the cluster as Orleans' membership says.
/// </summary>
public sealed class ClusterHealthTests
{
    static readonly SiloAddress Here = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    [Theory]
    [InlineData(SiloStatus.Active, HealthStatus.Healthy)]
    [InlineData(SiloStatus.Joining, HealthStatus.Unhealthy)]
    [InlineData(SiloStatus.ShuttingDown, HealthStatus.Unhealthy)]
    [InlineData(SiloStatus.Dead, HealthStatus.Unhealthy)]
    public async Task TheSiloMustBeAnActiveMember(SiloStatus status, HealthStatus health)
    {
        var check = new ClusterHealthCheck(new Membership(status), new Silo());

        var result = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(health, result.Status);
        if (health == HealthStatus.Unhealthy)
        {
            Assert.Contains(status.ToString(), result.Description);
        }
    }

    sealed class Membership(SiloStatus status) : IClusterMembershipService
    {
        public ClusterMembershipSnapshot CurrentSnapshot { get; } = new(
            ImmutableDictionary<SiloAddress, ClusterMember>.Empty.Add(Here, new ClusterMember(Here, status, "here")), new MembershipVersion(1));

        public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => throw new NotSupportedException();

        public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException();
    }

    sealed class Silo : ILocalSiloDetails
    {
        public string Name => "here";
        public string ClusterId => "test";
        public string DnsHostName => "localhost";
        public SiloAddress SiloAddress => Here;
        public SiloAddress GatewayAddress => Here;
    }
}
