using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Canonical;

namespace Ledger.Entries;

/// <summary>
/// What a person asks the ledger to do, before it is signed (FORMAT.md §6): who asks, with
/// which key, what, and when. The idempotency key lets a client retry without doing twice.
/// </summary>
public sealed record Command(
    string PersonId,
    string KeyId,
    string Type,
    JsonElement Body,
    string IdempotencyKey,
    DateTimeOffset IssuedAt)
{
    public const int MaxIdempotencyKeyLength = 128;

    static readonly string[] Members = ["body", "idempotencyKey", "issuedAt", "keyId", "personId", "type"];

    /// <summary>The bytes a client signs: the command prefix, then the canonical command.</summary>
    public byte[] SignedBytes()
    {
        var canonical = CanonicalJson.Encode(ToJson());
        return [.. FormatVersion.CommandSignaturePrefix, .. canonical];
    }

    public JsonObject ToJson() => new()
    {
        ["body"] = JsonNode.Parse(Body.GetRawText()),
        ["idempotencyKey"] = IdempotencyKey,
        ["issuedAt"] = LedgerTime.Format(IssuedAt),
        ["keyId"] = KeyId,
        ["personId"] = PersonId,
        ["type"] = Type,
    };

    /// <summary>Reads a command strictly: every member present, no other, each well-formed.</summary>
    public static Command FromJson(JsonElement json)
    {
        var fields = JsonFields.Of(json, "command", Members);
        var command = new Command(
            fields.String("personId"),
            fields.String("keyId"),
            fields.String("type"),
            fields.Object("body"),
            fields.String("idempotencyKey"),
            fields.Time("issuedAt"));
        if (!Names.IsIdentifier(command.PersonId))
        {
            throw new FormatException("personId is not a valid identifier");
        }
        if (!KeyIds.IsKeyId(command.KeyId))
        {
            throw new FormatException("keyId must be 32 lowercase hex digits");
        }
        if (!Names.IsTypeName(command.Type))
        {
            throw new FormatException("type is not a valid command type");
        }
        if (command.IdempotencyKey.Length is 0 or > MaxIdempotencyKeyLength)
        {
            throw new FormatException($"idempotencyKey must be 1 to {MaxIdempotencyKeyLength} characters");
        }
        return command;
    }
}

/// <summary>A command with its signer's Ed25519 signature over <see cref="Command.SignedBytes"/>.</summary>
public sealed record SignedCommand(Command Command, byte[] Signature)
{
    public const int SignatureSize = 64;

    static readonly string[] Members = ["command", "signature"];

    /// <summary>Signs a command as its client does (FORMAT.md §6.2).</summary>
    public static SignedCommand Sign(Command command, Signing.SigningKey key) => new(command, key.Sign(command.SignedBytes()));

    public JsonObject ToJson() => new()
    {
        ["command"] = Command.ToJson(),
        ["signature"] = Hex.Encode(Signature),
    };

    public static SignedCommand FromJson(JsonElement json)
    {
        var fields = JsonFields.Of(json, "signedCommand", Members);
        var command = Command.FromJson(fields.Object("command"));
        if (!Hex.TryDecode(fields.String("signature"), SignatureSize, out var signature))
        {
            throw new FormatException("signature must be 128 lowercase hex digits");
        }
        return new SignedCommand(command, signature);
    }
}
