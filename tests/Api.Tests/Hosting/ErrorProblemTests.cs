using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Ledger.Tests.Hosting;

/// <summary>
/// Issue 14: every error status the server answers carries an RFC 9457 problem with its stable
/// code, also those no endpoint answers (an unknown route, a wrong method, oversized headers).
/// also Kestrel's own rejections, made before any of the server's code runs, and on a connection
/// that served other requests before.
/// </summary>
public sealed class ErrorProblemTests(ApiServer api) : IClassFixture<ApiServer>
{
    [Theory]
    [InlineData("GET", "/no/such/route", HttpStatusCode.NotFound, "NotFound")]
    [InlineData("GET", "/v1/nothing-here", HttpStatusCode.NotFound, "NotFound")]
    [InlineData("DELETE", "/health", HttpStatusCode.MethodNotAllowed, "MethodNotAllowed")]
    [InlineData("GET", "/v1/commands/AwardPoints", HttpStatusCode.MethodNotAllowed, "MethodNotAllowed")]
    [InlineData("GET", "/v1/commands", HttpStatusCode.MethodNotAllowed, "MethodNotAllowed")]
    public async Task AnErrorNoEndpointAnswersIsAProblemWithItsCode(string method, string path, HttpStatusCode status, string code)
    {
        using var http = new HttpClient { BaseAddress = api.Server.Address };

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await AssertProblemAsync(response, status, code);
    }

    [Fact]
    public async Task HeadersBeyondTheServersBoundAreA431ProblemWithItsCode()
    {
        using var http = new HttpClient { BaseAddress = api.Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("X-Padding", new string('a', Api.Hosting.LedgerHosting.MaxRequestHeadersBytes + 1));

        using var response = await http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.RequestHeaderFieldsTooLarge, "RequestHeadersTooLarge");
    }

    [Fact]
    public async Task HeadersJustWithinTheBoundAreServed()
    {
        using var http = new HttpClient { BaseAddress = api.Server.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("X-Padding", new string('a', Api.Hosting.LedgerHosting.MaxRequestHeadersBytes / 2));

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, HttpStatusCode, string> KestrelsOwnRejections => new()
    {
        { "GET /v1/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n", HttpStatusCode.BadRequest, "MalformedRequest" },
        { "GET /health HTTP/1.1 extra\r\nHost: localhost\r\n\r\n", HttpStatusCode.BadRequest, "MalformedRequest" },
        // Kestrel's request line limit is 8 KiB (KestrelServerLimits.MaxRequestLineSize).
        { $"GET /{new string('a', 9 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n", HttpStatusCode.RequestUriTooLong, "RequestTargetTooLong" },
        // Beyond Kestrel's own header limit, twice the server's (LedgerHosting.MaxRequestHeadersBytes).
        { $"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: {new string('a', 2 * Api.Hosting.LedgerHosting.MaxRequestHeadersBytes)}\r\n\r\n",
            HttpStatusCode.RequestHeaderFieldsTooLarge, "RequestHeadersTooLarge" },
    };

    [Theory]
    [MemberData(nameof(KestrelsOwnRejections))]
    public async Task KestrelsOwnRejectionsAreAProblemWithTheirCodeAndCloseTheConnection(string request, HttpStatusCode status, string code)
    {
        // Kestrel rejects these while reading the request line and headers, before any middleware
        // runs; the server's connection middleware gives its answer a body (Hosting/KestrelRejections.cs).
        using var connection = await ConnectAsync();

        var answer = await SendAsync(connection, request);

        await AssertProblemAsync(answer, status, code);
        Assert.Equal("close", answer.Headers.Connection.Single());
        Assert.Equal(0, await connection.GetStream().ReadAsync(new byte[1]));
    }

    [Fact]
    public async Task AnHttp2PrefaceIsStillAnsweredWithKestrelsGoAwayFrame()
    {
        // The server speaks HTTP/1.1 in the clear: Kestrel answers HTTP/2 with prior knowledge
        // (RFC 9113 §3.3) with a GOAWAY frame, HTTP_1_1_REQUIRED, which is not an HTTP/1.x head and passes unchanged.
        using var connection = await ConnectAsync();
        var stream = connection.GetStream();

        await stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        var answer = new MemoryStream();
        await stream.CopyToAsync(answer);

        // A 17-byte frame: length 8, type 7 (GOAWAY), flags 0, stream 0, last stream 0, error 0xd.
        Assert.Equal("000008070000000000000000000000000D", Convert.ToHexString(answer.ToArray()));
    }

    [Fact]
    public async Task ABadRequestAfterAGoodOneOnTheSameConnectionIsAProblem()
    {
        using var connection = await ConnectAsync();

        using var good = await SendAsync(connection, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        using var bad = await SendAsync(connection, "GET /v1/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        await AssertProblemAsync(bad, HttpStatusCode.BadRequest, "MalformedRequest");
        Assert.Equal(0, await connection.GetStream().ReadAsync(new byte[1]));
    }

    [Fact]
    public async Task AKeepAliveConnectionServesOneRequestAfterAnother()
    {
        using var connection = await ConnectAsync();

        using var health = await SendAsync(connection, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        using var unknown = await SendAsync(connection, "GET /no/such/route HTTP/1.1\r\nHost: localhost\r\n\r\n");
        using var head = await SendAsync(connection, "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        using var page = await SendAsync(connection, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        using var last = await SendAsync(connection, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "NotFound");
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Equal(0, await connection.GetStream().ReadAsync(new byte[1]));
    }

    [Fact]
    public async Task AMissingAuthorizationIsStillTheEndpointsOwnProblem()
    {
        using var http = new HttpClient { BaseAddress = api.Server.Address };

        using var response = await http.GetAsync("/v1/export");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Unauthenticated");
    }

    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal($"urn:community-ledger:problem:{code}", problem.GetProperty("type").GetString());
        Assert.False(problem.TryGetProperty("traceId", out _), body);
        return problem;
    }

    async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(api.Server.Address.Host, api.Server.Address.Port);
        return client;
    }

    /// <summary>
    /// Sends one raw HTTP/1.1 request and reads exactly its response (RFC 9112 §6.3: no body for
    /// HEAD, else Content-Length or chunked), leaving the connection at the next response.
    /// </summary>
    static async Task<HttpResponseMessage> SendAsync(TcpClient connection, string request)
    {
        var stream = connection.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var lines = (await ReadHeadAsync(stream)).Split("\r\n");
        var response = new HttpResponseMessage((HttpStatusCode)int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture));
        var headers = lines.Skip(1).Select(line => line.Split(": ", 2)).ToList();
        var length = headers.FirstOrDefault(header => header[0] == "Content-Length")?[1];
        var body = request.StartsWith("HEAD ", StringComparison.Ordinal) ? []
            : length is not null ? await ReadExactlyAsync(stream, int.Parse(length, CultureInfo.InvariantCulture))
            : headers.Any(header => header is ["Transfer-Encoding", "chunked"]) ? await ReadChunksAsync(stream)
            : [];
        response.Content = new ByteArrayContent(body);
        foreach (var header in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(header[0], header[1]))
            {
                response.Content.Headers.TryAddWithoutValidation(header[0], header[1]);
            }
        }
        return response;
    }

    static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var lines = new List<string>();
        for (var line = await ReadLineAsync(stream); line != ""; line = await ReadLineAsync(stream))
        {
            lines.Add(line);
        }
        return string.Join("\r\n", lines);
    }

    static async Task<byte[]> ReadExactlyAsync(NetworkStream stream, int count)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes);
        return bytes;
    }

    static async Task<byte[]> ReadChunksAsync(NetworkStream stream)
    {
        var body = new MemoryStream();
        while (true)
        {
            var size = int.Parse(await ReadLineAsync(stream), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            body.Write(await ReadExactlyAsync(stream, size));
            Assert.Equal("", await ReadLineAsync(stream));
            if (size == 0)
            {
                return body.ToArray();
            }
        }
    }

    static async Task<string> ReadLineAsync(NetworkStream stream)
    {
        var line = new StringBuilder();
        var next = new byte[1];
        while (!line.ToString().EndsWith("\r\n", StringComparison.Ordinal))
        {
            Assert.Equal(1, await stream.ReadAsync(next));
            line.Append((char)next[0]);
        }
        return line.ToString()[..^2];
    }
}
