using System.Diagnostics.CodeAnalysis;
using Dapper;
using EdgeConductor.Server.Common;
using EdgeConductor.Server.Errors;
using EdgeConductor.Server.Storage;
using Microsoft.AspNetCore.Identity;

namespace EdgeConductor.Server.Auth;

/// <summary>User accounts and their passwords (PBKDF2 via <see cref="PasswordHasher{TUser}"/>).</summary>
public sealed class UserStore(Database db, TimeProvider clock)
{
    private static readonly PasswordHasher<UserRecord> Hasher = new();

    /// <summary>
    /// A hash of a random password made by the same hasher (same PBKDF2 iteration count), verified when the e-mail has no
    /// usable account, so an unknown e-mail costs as much as a wrong password and login timing does not reveal accounts.
    /// </summary>
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(new UserRecord(), Secrets.NewToken()));

    private long _passwordVerifications;
    public const int MinPasswordLength = 8;

    /// <summary>How many PBKDF2 verifications <see cref="VerifyLogin"/> has run (a seam for tests of the dummy-hash path).</summary>
    public long PasswordVerifications => Interlocked.Read(ref _passwordVerifications);

    /// <summary>The password rule for new accounts: 8 to 1,024 characters (400 naming the field otherwise).</summary>
    public static string ValidateNewPassword(string? password)
    {
        var p = Check.Required(password, "password", 1024);
        if (p.Length < MinPasswordLength) throw ApiException.Invalid("password", $"must be at least {MinPasswordLength} characters");
        return p;
    }

    public async Task<UserRecord> CreateAsync(string email, string password, string role, string? orgId, string? partnerId,
        string? roomId, CancellationToken ct)
    {
        var user = new UserRecord
        {
            Id = Ids.New(), Email = NormalizeEmail(email), Role = role, OrgId = orgId, PartnerId = partnerId, RoomId = roomId,
            CreatedAt = clock.Ms(),
        };
        user.PasswordHash = Hasher.HashPassword(user, password);
        await using var conn = await db.OpenAsync(ct);
        try
        {
            await conn.ExecuteAsync("""
                INSERT INTO users (id, email, password_hash, role, org_id, partner_id, room_id, created_at)
                VALUES (@Id, @Email, @PasswordHash, @Role, @OrgId, @PartnerId, @RoomId, @CreatedAt)
                """, user);
        }
        catch (Exception ex) when (Database.IsUniqueViolation(ex))
        {
            throw ApiException.Conflict($"A user with e-mail '{user.Email}' already exists.");
        }
        return user;
    }

    public async Task<UserRecord?> FindByEmailAsync(string email, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<UserRecord>("SELECT * FROM users WHERE email = @e", new { e = NormalizeEmail(email) });
    }

    public async Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<UserRecord>("SELECT * FROM users WHERE id = @id", new { id });
    }

    public async Task<IReadOnlyList<UserRecord>> ListByOrgAsync(string orgId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<UserRecord>("SELECT * FROM users WHERE org_id = @orgId ORDER BY created_at", new { orgId })).AsList();
    }

    /// <summary>The users of a partner (role partner), oldest first.</summary>
    public async Task<IReadOnlyList<UserRecord>> ListByPartnerAsync(string partnerId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return (await conn.QueryAsync<UserRecord>("SELECT * FROM users WHERE partner_id = @partnerId AND org_id IS NULL ORDER BY created_at", new { partnerId })).AsList();
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users");
    }

    public static bool VerifyPassword(UserRecord user, string password) =>
        Hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;

    /// <summary>
    /// True when <paramref name="user"/> exists, is enabled and <paramref name="password"/> is its password. Runs exactly one
    /// PBKDF2 verification in every case (against a dummy hash when there is no usable account), so the answer takes as long
    /// for an unknown or disabled e-mail as for a wrong password.
    /// </summary>
    public bool VerifyLogin([NotNullWhen(true)] UserRecord? user, string password)
    {
        Interlocked.Increment(ref _passwordVerifications);
        if (user is null || user.IsDisabled)
        {
            _ = Hasher.VerifyHashedPassword(new UserRecord(), DummyHash.Value, password);
            return false;
        }
        return VerifyPassword(user, password);
    }

    /// <summary>Disables (<paramref name="disabled"/> true) or enables a user. False when there is no such user.</summary>
    public async Task<bool> SetDisabledAsync(string id, bool disabled, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync(disabled
                ? "UPDATE users SET disabled_at = COALESCE(disabled_at, @now) WHERE id = @id"
                : "UPDATE users SET disabled_at = NULL WHERE id = @id",
            new { id, now = clock.Ms() }) > 0;
    }

    /// <summary>Moves a tenant to another room (room claim). False when there is no such user.</summary>
    public async Task<bool> SetRoomAsync(string id, string roomId, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE users SET room_id = @roomId WHERE id = @id", new { id, roomId }) > 0;
    }

    /// <summary>Changes a user's role (the caller checked the role rules). False when there is no such user.</summary>
    public async Task<bool> SetRoleAsync(string id, string role, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteAsync("UPDATE users SET role = @role WHERE id = @id", new { id, role }) > 0;
    }

    /// <summary>
    /// Deletes a user with its refresh tokens; devices assigned to it (tenant_id) become unassigned. False when there is
    /// no such user. One transaction.
    /// </summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync("DELETE FROM refresh_tokens WHERE user_id = @id", new { id }, tx);
        await conn.ExecuteAsync("UPDATE devices SET tenant_id = NULL WHERE tenant_id = @id", new { id }, tx);
        var n = await conn.ExecuteAsync("DELETE FROM users WHERE id = @id", new { id }, tx);
        await tx.CommitAsync(ct);
        return n > 0;
    }

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
