using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Ledger.Api.Endpoints;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Ledger.Api.Hosting;

/// <summary>
/// Gives Kestrel's own rejections a problem body (issue 14, docs/API.md "Errors"). Kestrel answers a
/// request it cannot parse (a malformed request line, a <c>%00</c> in the path, a request line or
/// headers over its limits) itself, before any middleware runs, with a head and no body
/// (<c>Content-Length: 0</c>, <c>Connection: close</c>), and has no hook to change that answer
/// (aspnet/KestrelHttpServer#2947). So a connection middleware puts <see cref="RejectionAnsweringOutput"/>
/// between Kestrel and the socket, and the first middleware of the application tells it when a request
/// of the application is being answered: those bytes go straight through. What Kestrel writes while no
/// request is being answered can only be its own rejection; it is held until Kestrel flushes it and
/// sent with a problem body. Parsing the responses' framing instead (lengths, chunks, HEAD, 1xx) to
/// find where one ends would be a second HTTP/1.1 writer to get right; Kestrel already knows.
/// </summary>
public static class KestrelRejections
{
    /// <summary>Answers Kestrel's rejections on the connections of <paramref name="listen"/> with a problem body.</summary>
    public static void AnswerRejectionsWithProblems(this ListenOptions listen)
    {
        var limits = listen.KestrelServerOptions.Limits;
        listen.Use(next => connection =>
        {
            var output = new RejectionAnsweringOutput(connection.Transport.Output, limits);
            // Connection features are seen from each request's features (Kestrel falls back to them).
            connection.Features.Set(output);
            connection.Transport = new Transport(connection.Transport.Input, output);
            return next(connection);
        });
    }

    /// <summary>The first middleware: marks the connection as answering a request of the application until its response has ended.</summary>
    public static Task MarkAnswer(HttpContext context, RequestDelegate next)
    {
        if (context.Features.Get<RejectionAnsweringOutput>() is { } output)
        {
            output.BeginAnswer();
            // Kestrel runs OnCompleted after it has written and flushed the response's last byte
            // (HttpProtocol.ProcessRequests: ProduceEnd, then FireOnCompleted).
            context.Response.OnCompleted(static output =>
            {
                ((RejectionAnsweringOutput)output).EndAnswer();
                return Task.CompletedTask;
            }, output);
        }
        return next(context);
    }

    sealed record Transport(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}

/// <summary>
/// A connection's output as Kestrel writes it: straight to the socket while the application answers a
/// request; otherwise held until Kestrel flushes, and a flush that is a rejection's head goes out with
/// a problem body. Kestrel writes a connection's output from one place at a time, and the flags
/// change between its writes (a request's first middleware, its OnCompleted), so they need no lock.
/// A connection that is not HTTP/1.x in the clear (TLS, whose bytes this layer sees encrypted, or
/// HTTP/2) shows it in the first bytes Kestrel writes before any request, its handshake or
/// preface, and is passed through from then on.
/// </summary>
sealed class RejectionAnsweringOutput(PipeWriter socket, KestrelServerLimits limits) : PipeWriter
{
    static ReadOnlySpan<byte> Http1 => "HTTP/1."u8;
    static ReadOnlySpan<byte> EmptyBody => "\r\nContent-Length: 0\r\n"u8;
    static ReadOnlySpan<byte> Closing => "\r\nConnection: close\r\n"u8;
    static ReadOnlySpan<byte> AnyContentType => "\r\nContent-Type:"u8;
    static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    readonly ArrayBufferWriter<byte> held = new();
    bool answering;
    bool passThrough;
    bool holding;

    public void BeginAnswer() => answering = true;

    public void EndAnswer() => answering = false;

    // Held bytes stay ahead of any later ones: once holding starts, it lasts until the flush.
    bool Hold => held.WrittenCount > 0 || !(answering || passThrough);

    public override Memory<byte> GetMemory(int sizeHint = 0) => (holding = Hold) ? held.GetMemory(sizeHint) : socket.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => (holding = Hold) ? held.GetSpan(sizeHint) : socket.GetSpan(sizeHint);

    public override void Advance(int bytes)
    {
        if (holding)
        {
            held.Advance(bytes);
        }
        else
        {
            socket.Advance(bytes);
        }
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        Release();
        return socket.FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => socket.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        // Completed with an error, the connection is being aborted: what is held is not sent.
        if (exception is null)
        {
            Release();
        }
        socket.Complete(exception);
    }

    public override bool CanGetUnflushedBytes => socket.CanGetUnflushedBytes;

    public override long UnflushedBytes => socket.UnflushedBytes + held.WrittenCount;

    void Release()
    {
        if (held.WrittenCount == 0)
        {
            return;
        }
        var bytes = held.WrittenSpan;
        passThrough |= !bytes.StartsWith(Http1);
        if (RejectedStatus(bytes) is { } status)
        {
            WriteWithProblem(bytes, status);
        }
        else
        {
            socket.Write(bytes);
        }
        held.ResetWrittenCount();
    }

    /// <summary>
    /// The status of a rejection's head: one whole HTTP/1.x head with an error status, no body, closing
    /// the connection, and no Content-Type; null for anything else, which goes out as it is.
    /// </summary>
    static int? RejectedStatus(ReadOnlySpan<byte> bytes)
    {
        // "HTTP/1.1 400 Bad Request\r\n…": the status is the three digits after the version.
        if (bytes.Length < 12 || !bytes.StartsWith(Http1) || bytes[8] != (byte)' '
            || !int.TryParse(bytes.Slice(9, 3), out var status) || status < StatusCodes.Status400BadRequest)
        {
            return null;
        }
        var isOneHead = bytes.IndexOf(EndOfHead) == bytes.Length - EndOfHead.Length;
        return isOneHead && bytes.IndexOf(EmptyBody) >= 0 && bytes.IndexOf(Closing) >= 0 && bytes.IndexOf(AnyContentType) < 0
            ? status
            : null;
    }

    void WriteWithProblem(ReadOnlySpan<byte> head, int status)
    {
        var problem = Problems.Create(status, Problems.CodeOf(status), Detail(status)).ProblemDetails;
        var body = JsonSerializer.SerializeToUtf8Bytes(problem, JsonSerializerOptions.Web);
        var emptyBody = head.IndexOf(EmptyBody);
        socket.Write(head[..emptyBody]);
        socket.Write(Encoding.ASCII.GetBytes($"\r\nContent-Type: application/problem+json\r\nContent-Length: {body.Length}\r\n"));
        socket.Write(head[(emptyBody + EmptyBody.Length)..]);
        socket.Write(body);
    }

    string Detail(int status) => status switch
    {
        StatusCodes.Status400BadRequest =>
            "the request line or headers cannot be read (RFC 9112): a control character or %00 in the path, a malformed request line or header",
        StatusCodes.Status408RequestTimeout => "the request's headers did not arrive in time",
        StatusCodes.Status414UriTooLong => $"the request line is over {limits.MaxRequestLineSize} bytes",
        StatusCodes.Status431RequestHeaderFieldsTooLarge =>
            $"the request's headers are over {limits.MaxRequestHeadersTotalSize} bytes in all, or more than {limits.MaxRequestHeaderCount}",
        StatusCodes.Status505HttpVersionNotsupported => "send the request as HTTP/1.1",
        _ => "the server cannot read this request",
    };
}
