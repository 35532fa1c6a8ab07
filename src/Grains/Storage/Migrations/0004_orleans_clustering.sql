-- 0004: Orleans cluster membership (Microsoft.Orleans.Clustering.AdoNet 10.4.2) on the
-- ledger's database, so that the silos of every server process find each other and keep one
-- activation per grain (DESIGN.md 8). Orleans' packages do not ship these scripts; this is
-- our reading of dotnet/orleans src/AdoNet/Shared/PostgreSQL-Main.sql and
-- src/AdoNet/Orleans.Clustering.AdoNet/PostgreSQL-Clustering.sql (with its 3.6.0 and 3.7.0
-- upgrades already folded in).
--
-- The provider reads each query's text from orleansquery by key and binds parameters by
-- name (@DeploymentId, …): the keys, the parameter names and the result column names are its
-- contract and must not change. Its rules, from the original script: a write returns a row
-- count, > 0 for success and 0 for a lost optimistic race (the version did not match); the
-- version row of a deployment is bumped by every membership change, which is what makes the
-- membership protocol's table updates conditional. None of this touches the ledger's entries:
-- membership decides which process hosts a grain, and PostgreSQL's own sequence and chain
-- guards (0001) still refuse any fork whichever process writes.

-- Orleans names its tables and columns in its own style (unquoted, so folded to lower case);
-- it reads result columns by name, case-insensitively.
CREATE TABLE orleansquery (
    querykey  varchar(64)   NOT NULL,
    querytext varchar(8000) NOT NULL,

    CONSTRAINT orleans_query_pk PRIMARY KEY (querykey)
);

-- One row per deployment (cluster id): its membership version.
CREATE TABLE orleansmembershipversiontable (
    deploymentid varchar(150)   NOT NULL,
    timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    version      integer        NOT NULL DEFAULT 0,

    CONSTRAINT orleans_membership_version_pk PRIMARY KEY (deploymentid)
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE orleansmembershiptable (
    deploymentid varchar(150)   NOT NULL,
    address      varchar(45)    NOT NULL,
    port         integer        NOT NULL,
    generation   integer        NOT NULL,
    siloname     varchar(150)   NOT NULL,
    hostname     varchar(150)   NOT NULL,
    status       integer        NOT NULL,
    proxyport    integer        NULL,
    suspecttimes varchar(8000)  NULL,
    starttime    timestamptz(3) NOT NULL,
    iamalivetime timestamptz(3) NOT NULL,

    CONSTRAINT orleans_membership_pk PRIMARY KEY (deploymentid, address, port, generation),
    CONSTRAINT orleans_membership_version FOREIGN KEY (deploymentid)
        REFERENCES orleansmembershipversiontable (deploymentid)
);

-- Returns 1 when the deployment's version row was created, 0 when it existed already.
CREATE FUNCTION orleans_insert_membership_version(deployment_id varchar(150))
    RETURNS TABLE (row_count integer) LANGUAGE plpgsql AS $func$
DECLARE
    inserted integer;
BEGIN
    INSERT INTO orleansmembershipversiontable (deploymentid) VALUES (deployment_id)
    ON CONFLICT (deploymentid) DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    RETURN QUERY SELECT inserted;
END
$func$;

-- Inserts a silo's row and bumps the version, both only if the version is still the one the
-- silo read; otherwise neither (the EXCEPTION block rolls the insert back) and 0.
CREATE FUNCTION orleans_insert_membership(
    deployment_id varchar(150), address_arg varchar(45), port_arg integer, generation_arg integer,
    silo_name varchar(150), host_name varchar(150), status_arg integer, proxy_port integer,
    start_time timestamptz, i_am_alive_time timestamptz, version_arg integer)
    RETURNS TABLE (row_count integer) LANGUAGE plpgsql AS $func$
DECLARE
    changed integer := 0;
BEGIN
    BEGIN
        INSERT INTO orleansmembershiptable (deploymentid, address, port, generation, siloname, hostname,
                                            status, proxyport, starttime, iamalivetime)
        VALUES (deployment_id, address_arg, port_arg, generation_arg, silo_name, host_name,
                status_arg, proxy_port, start_time, i_am_alive_time)
        ON CONFLICT (deploymentid, address, port, generation) DO NOTHING;
        GET DIAGNOSTICS changed = ROW_COUNT;

        UPDATE orleansmembershipversiontable
        SET timestamp = now(), version = version + 1
        WHERE deploymentid = deployment_id AND version = version_arg AND changed > 0;
        GET DIAGNOSTICS changed = ROW_COUNT;

        ASSERT changed <> 0, 'no rows affected, rollback';
        RETURN QUERY SELECT changed;
    EXCEPTION WHEN assert_failure THEN
        RETURN QUERY SELECT changed;
    END;
END
$func$;

-- Updates a silo's status and suspicions, bumping the version, only if the version is still
-- the one the silo read.
CREATE FUNCTION orleans_update_membership(
    deployment_id varchar(150), address_arg varchar(45), port_arg integer, generation_arg integer,
    status_arg integer, suspect_times varchar(8000), i_am_alive_time timestamptz, version_arg integer)
    RETURNS TABLE (row_count integer) LANGUAGE plpgsql AS $func$
DECLARE
    changed integer := 0;
BEGIN
    BEGIN
        UPDATE orleansmembershipversiontable
        SET timestamp = now(), version = version + 1
        WHERE deploymentid = deployment_id AND version = version_arg;
        GET DIAGNOSTICS changed = ROW_COUNT;

        UPDATE orleansmembershiptable
        SET status = status_arg, suspecttimes = suspect_times, iamalivetime = i_am_alive_time
        WHERE deploymentid = deployment_id AND address = address_arg AND port = port_arg
          AND generation = generation_arg AND changed > 0;
        GET DIAGNOSTICS changed = ROW_COUNT;

        ASSERT changed <> 0, 'no rows affected, rollback';
        RETURN QUERY SELECT changed;
    EXCEPTION WHEN assert_failure THEN
        RETURN QUERY SELECT changed;
    END;
END
$func$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpdateIAmAlivetimeKey', '
    UPDATE orleansmembershiptable
    SET iamalivetime = @IAmAliveTime
    WHERE deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL
      AND address = @Address AND @Address IS NOT NULL
      AND port = @Port AND @Port IS NOT NULL
      AND generation = @Generation AND @Generation IS NOT NULL;
'),
('InsertMembershipVersionKey', '
    SELECT * FROM orleans_insert_membership_version(@DeploymentId);
'),
('InsertMembershipKey', '
    SELECT * FROM orleans_insert_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName,
        @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
'),
('UpdateMembershipKey', '
    SELECT * FROM orleans_update_membership(@DeploymentId, @Address, @Port, @Generation, @Status,
        @SuspectTimes, @IAmAliveTime, @Version);
'),
('MembershipReadRowKey', '
    SELECT v.deploymentid, m.address, m.port,
           m.generation, m.siloname, m.hostname,
           m.status, m.proxyport, m.suspecttimes,
           m.starttime, m.iamalivetime, v.version
    FROM orleansmembershipversiontable v
    -- The version row comes back even when the silo has no row yet.
    LEFT OUTER JOIN orleansmembershiptable m ON v.deploymentid = m.deploymentid
        AND m.address = @Address AND @Address IS NOT NULL
        AND m.port = @Port AND @Port IS NOT NULL
        AND m.generation = @Generation AND @Generation IS NOT NULL
    WHERE v.deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL;
'),
('MembershipReadAllKey', '
    SELECT v.deploymentid, m.address, m.port,
           m.generation, m.siloname, m.hostname,
           m.status, m.proxyport, m.suspecttimes,
           m.starttime, m.iamalivetime, v.version
    FROM orleansmembershipversiontable v
    LEFT OUTER JOIN orleansmembershiptable m ON v.deploymentid = m.deploymentid
    WHERE v.deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL;
'),
('DeleteMembershipTableEntriesKey', '
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL;
    DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL;
'),
('GatewaysQueryKey', '
    SELECT address, proxyport, generation
    FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL
      AND status = @Status AND @Status IS NOT NULL
      AND proxyport > 0;
'),
-- Status 3 is Active: only rows of dead silos older than the given time are removed.
('CleanupDefunctSiloEntriesKey', '
    DELETE FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND @DeploymentId IS NOT NULL
      AND iamalivetime < @IAmAliveTime
      AND status != 3;
');
