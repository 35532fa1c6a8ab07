using Ledger.Entries;
using Ledger.Rules;
using Ledger.Rules.Registry;

namespace Ledger.Api.Endpoints;

/// <summary>
/// Who may read what (issue 5, docs/API.md "Access"), in one place. Commands are governed by
/// the command table of src/Ledger/Rules; reads by this. Project views and project streams
/// are public; everything else needs a signed read (<see cref="SignedReadAuthentication"/>) by
/// one of these roles, which an endpoint declares with <see cref="ReadAuthorization.RequireSignedRead"/>.
/// </summary>
public static class Access
{
    const string HouseholdStreamPrefix = "household/";

    /// <summary>A household's view: its residents (checked by household) and these roles.</summary>
    public static readonly IReadOnlySet<Role> HouseholdReaders = new HashSet<Role>
    {
        Role.Resident, Role.FinanceOfficer, Role.VolunteerCoordinator, Role.ResidentSupervisor, Role.Auditor,
    };

    /// <summary>
    /// A household's stream: its residents and these roles only. The stream holds how the household
    /// voted in the owners' votes (BallotCast), which the household, the resident supervisors and the
    /// auditor may see and nobody else (issue 17): the finance officer and the volunteer coordinator
    /// read the household's figures in its view, which leaves its ballots out for them.
    /// </summary>
    public static readonly IReadOnlySet<Role> HouseholdStreamReaders = new HashSet<Role> { Role.Resident, Role.ResidentSupervisor, Role.Auditor };

    /// <summary>People, roles and keys with their history.</summary>
    public static readonly IReadOnlySet<Role> RegistryReaders = new HashSet<Role> { Role.Registrar, Role.ResidentSupervisor, Role.Auditor };

    /// <summary>One's own registration (who is signed in): every registered person, whatever their roles.</summary>
    public static readonly IReadOnlySet<Role> Everyone = new HashSet<Role>(Enum.GetValues<Role>());

    /// <summary>
    /// A bank statement matched against a project (docs/BANK.md): its lines name counterparties,
    /// residents among them, so it is not public as the project view is.
    /// </summary>
    public static readonly IReadOnlySet<Role> StatementReaders = new HashSet<Role> { Role.FinanceOfficer, Role.ResidentSupervisor, Role.Auditor };

    /// <summary>The whole ledger as an export.</summary>
    public static readonly IReadOnlySet<Role> Exporters = new HashSet<Role> { Role.ResidentSupervisor, Role.Auditor };

    /// <summary>Whether a stream's entries may be read without a signed read.</summary>
    public static bool IsPublic(string stream) => stream.StartsWith("project/", StringComparison.Ordinal) || stream == "catalog";

    /// <summary>
    /// Why <paramref name="reader"/> may not read a private stream's entries, or null when they may: one of
    /// the stream's reader roles, and for a household's, <see cref="HouseholdRefusal"/>.
    /// </summary>
    public static Decision.Refuse? StreamRefusal(Person reader, string stream) =>
        stream.StartsWith(HouseholdStreamPrefix, StringComparison.Ordinal)
            ? RoleRefusal(reader, HouseholdStreamReaders) ?? HouseholdRefusal(reader, stream[HouseholdStreamPrefix.Length..], HouseholdStreamReaders)
            : RoleRefusal(reader, RegistryReaders);

    /// <summary>Why <paramref name="reader"/> holds none of <paramref name="roles"/>, refused as a command would be.</summary>
    public static Decision.Refuse? RoleRefusal(Person reader, IReadOnlySet<Role> roles) =>
        Authorization.RoleRefusal(SignedRead.CommandType, reader.Roles, roles);

    /// <summary>Residents read only their own household; the other roles of <paramref name="readers"/> read every household.</summary>
    public static Decision.Refuse? HouseholdRefusal(Person reader, string householdId, IReadOnlySet<Role> readers) =>
        reader.Roles.Any(r => r != Role.Resident && readers.Contains(r)) || reader.HouseholdId == householdId
            ? null
            : new Decision.Refuse(ResultCode.NotResidentOfHousehold, $"{reader.Id} may read only their own household's records");
}
