using Ledger.Rules;

namespace Ledger.Api.Endpoints;

/// <summary>
/// Who may read what (issue 5, docs/API.md "Access"), in one place. Commands are governed by
/// the command table of src/Ledger/Rules; reads by this. Project views and project streams
/// are public; everything else needs a signed read by one of these roles.
/// </summary>
public static class Access
{
    /// <summary>A household's view and stream: its residents (checked by household) and these roles.</summary>
    public static readonly IReadOnlySet<Role> HouseholdReaders = new HashSet<Role>
    {
        Role.Resident, Role.FinanceOfficer, Role.VolunteerCoordinator, Role.ResidentSupervisor, Role.Auditor,
    };

    /// <summary>People, roles and keys with their history.</summary>
    public static readonly IReadOnlySet<Role> RegistryReaders = new HashSet<Role> { Role.Registrar, Role.ResidentSupervisor, Role.Auditor };

    /// <summary>One's own registration (who is signed in): every registered person, whatever their roles.</summary>
    public static readonly IReadOnlySet<Role> Everyone = new HashSet<Role>(Enum.GetValues<Role>());

    /// <summary>The whole ledger as an export.</summary>
    public static readonly IReadOnlySet<Role> Exporters = new HashSet<Role> { Role.ResidentSupervisor, Role.Auditor };

    /// <summary>Whether a stream's entries may be read without a signed read.</summary>
    public static bool IsPublic(string stream) => stream.StartsWith("project/", StringComparison.Ordinal) || stream == "catalog";

    /// <summary>The roles that may read a private stream's entries (residents only their own household's).</summary>
    public static IReadOnlySet<Role> ReadersOf(string stream) =>
        stream.StartsWith("household/", StringComparison.Ordinal) ? HouseholdReaders : RegistryReaders;
}
