using System.Net;
using System.Net.Sockets;
using Ledger.Grains.Hosting;

namespace Ledger.Tests.Hosting;

public sealed class FreePortTests
{
    /// <summary>
    /// Below the ephemeral range, where no outgoing connection takes a port between the choice and
    /// the bind; and free: a listener starts on it.
    /// </summary>
    [Fact]
    public void IsBelowTheEphemeralRangeAndFree()
    {
        for (var i = 0; i < 20; i++)
        {
            var port = FreePort.On(IPAddress.Loopback);
            Assert.InRange(port, 20_000, 32_767);
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
        }
    }

    /// <summary>A port some listener holds is never the one chosen.</summary>
    [Fact]
    public void NeverChoosesAPortAListenerHolds()
    {
        var held = Enumerable.Range(0, 200).Select(_ => FreePort.On(IPAddress.Loopback)).Distinct()
            .Select(port => new TcpListener(IPAddress.Loopback, port)).ToList();
        try
        {
            held.ForEach(listener => listener.Start());
            var holding = held.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToHashSet();
            for (var i = 0; i < 200; i++)
            {
                Assert.DoesNotContain(FreePort.On(IPAddress.Loopback), holding);
            }
        }
        finally
        {
            held.ForEach(listener => listener.Stop());
        }
    }
}
