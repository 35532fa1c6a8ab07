using System.Net;
using System.Net.Sockets;

namespace Ledger.Grains.Hosting;

/// <summary>
/// A TCP port free at this moment, for a listener whose port must be known before it listens: a
/// local PostgreSQL cluster's, written into its postgresql.conf; a silo's, which Orleans
/// advertises in the membership table; the servers that tests, the bench and the fault runner
/// start. Chosen below the kernel's ephemeral range (Linux's default is 32768–60999, Windows' and
/// macOS' 49152–65535) rather than by binding port 0: a port from that range can be taken by any
/// outgoing connection on the machine (a database pool, an HTTP client) between the choice and
/// the listener's bind, seconds when the listener is a process being started; below it, only
/// another choice like this one, among some 12,000 ports, can take it.
/// </summary>
public static class FreePort
{
    const int Lowest = 20_000;
    const int BelowEphemeral = 32_768;
    const int Attempts = 100;

    public static int On(IPAddress address)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var port = Random.Shared.Next(Lowest, BelowEphemeral);
            var listener = new TcpListener(address, port);
            try
            {
                listener.Start();
                return port;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
            }
            finally
            {
                listener.Stop();
            }
        }
        throw new InvalidOperationException($"no free TCP port from {Lowest} to {BelowEphemeral - 1} on {address} after {Attempts} attempts");
    }
}
