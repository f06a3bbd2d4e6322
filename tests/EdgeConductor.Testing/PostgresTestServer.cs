using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace EdgeConductor.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster per test process, started on first use and removed at process exit; each test
/// class gets its own database from <see cref="CreateDatabaseAsync"/>. Set <c>EC_TEST_PG</c> to a connection string to
/// use an existing server instead (databases are then created, and dropped again, on that server).
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root, so as root the cluster belongs to the <c>postgres</c> user
/// (<c>runuser -u postgres -- initdb …</c>). Missing binaries are a test failure with instructions, never a skip.
/// </remarks>
public sealed class PostgresTestServer
{
    public const string ExternalServerVariable = "EC_TEST_PG";
    public const string BinDirVariable = "EC_TEST_PG_BIN";
    private const string DirPrefix = "ec-pgtest-";

    private static readonly Lazy<Task<PostgresTestServer>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databaseCounter;

    private readonly string? _clusterDir;
    private readonly string? _binDir;

    private PostgresTestServer(string adminConnectionString, string? clusterDir, string? binDir)
    {
        AdminConnectionString = adminConnectionString;
        _clusterDir = clusterDir;
        _binDir = binDir;
    }

    /// <summary>Connection string to the <c>postgres</c> maintenance database of the server.</summary>
    public string AdminConnectionString { get; }

    /// <summary>True when the server is the one named by <c>EC_TEST_PG</c>, not a cluster this process started.</summary>
    public bool IsExternal => _clusterDir is null;

    /// <summary>The process-wide server, started on the first call.</summary>
    public static Task<PostgresTestServer> GetAsync() => Shared.Value;

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(string? hint = null)
    {
        var name = $"ec_{Sanitize(hint)}{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}";
        await using (var conn = new NpgsqlConnection(AdminConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing whatever still uses it.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (string.IsNullOrEmpty(name) || !name.StartsWith("ec_", StringComparison.Ordinal)) return;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string Sanitize(string? hint)
    {
        if (string.IsNullOrEmpty(hint)) return "";
        var s = new string(hint.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(30).ToArray());
        return s.Length == 0 ? "" : s + "_";
    }

    private static async Task<PostgresTestServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable(ExternalServerVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            var b = new NpgsqlConnectionStringBuilder(external);
            if (string.IsNullOrEmpty(b.Database)) b.Database = "postgres";
            return new PostgresTestServer(b.ConnectionString, null, null);
        }

        var bin = FindBinDir() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found in /usr/lib/postgresql/<version>/bin. " +
            "Run ./scripts/test.sh, which installs the Debian package 'postgresql' and runs every test, " +
            $"or install it yourself (apt-get install -y postgresql), or set {BinDirVariable} to the folder holding initdb, " +
            $"or set {ExternalServerVariable} to the connection string of a PostgreSQL server to use.");
        CleanUpAbandonedClusters(bin);

        var asRoot = Environment.UserName == "root";
        var dir = Path.Combine(Path.GetTempPath(), DirPrefix + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "owner.pid"), Environment.ProcessId.ToString());
        if (asRoot) await RunAsync("chown", ["-R", "postgres:postgres", dir], asPostgres: false);
        var data = Path.Combine(dir, "data");

        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], asRoot);
        var port = 0;
        for (var attempt = 1; ; attempt++)
        {
            port = TestPorts.Free();
            try
            {
                await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "60",
                    "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                    "start"], asRoot);
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Port taken between FreePort and start: try another.
            }
        }

        var server = new PostgresTestServer(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Timeout=30;Command Timeout=60",
            dir, bin);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>
    /// Stops the cluster and deletes its folder (process exit). One shell does both, so the clean-up finishes even if the
    /// test host is killed right after its exit handlers start; what is left anyway goes on the next run.
    /// </summary>
    public void Stop()
    {
        if (_clusterDir is null || _binDir is null) return;
        NpgsqlConnection.ClearAllPools();
        var pgCtl = $"'{Path.Combine(_binDir, "pg_ctl")}' -D '{Path.Combine(_clusterDir, "data")}' -m immediate -w stop";
        var stop = Environment.UserName == "root" ? $"runuser -u postgres -- {pgCtl}" : pgCtl;
        try
        {
            var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"{stop} >/dev/null 2>&1; rm -rf '{_clusterDir}'");
            using var p = Process.Start(psi);
            p?.StandardInput.Close();
            p?.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Best effort at exit; CleanUpAbandonedClusters removes what is left on the next run.
        }
    }

    /// <summary>/usr/lib/postgresql/15/bin (or the newest installed version), or EC_TEST_PG_BIN.</summary>
    private static string? FindBinDir()
    {
        var configured = Environment.GetEnvironmentVariable(BinDirVariable);
        if (!string.IsNullOrWhiteSpace(configured)) return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        const string root = "/usr/lib/postgresql";
        if (File.Exists(Path.Combine(root, "15", "bin", "initdb"))) return Path.Combine(root, "15", "bin");
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var v) ? v : 0)
            .FirstOrDefault();
    }

    /// <summary>Clusters left by test processes that were killed before their exit handler ran.</summary>
    private static void CleanUpAbandonedClusters(string bin)
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), DirPrefix + "*"))
        {
            try
            {
                var pidFile = Path.Combine(dir, "owner.pid");
                if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile), out var pid) && IsAlive(pid)) continue;
                if (Directory.GetLastWriteTimeUtc(dir) > DateTime.UtcNow.AddMinutes(-1) && !File.Exists(pidFile)) continue;
                var data = Path.Combine(dir, "data");
                if (File.Exists(Path.Combine(data, "postmaster.pid")))
                    RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], Environment.UserName == "root")
                        .Wait(TimeSpan.FromSeconds(30));
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or AggregateException)
            {
                // Someone else's, or already gone.
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres)
    {
        var psi = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var a in (string[])["-u", "postgres", "--", file]) psi.ArgumentList.Add(a);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await p.WaitForExitAsync(timeout.Token);
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"'{file} {string.Join(' ', args)}' exited with {p.ExitCode}:\n{await stdout}\n{await stderr}");
    }
}
