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
    public const int MinPasswordLength = 8;

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

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenAsync(ct);
        return await conn.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users");
    }

    public static bool VerifyPassword(UserRecord user, string password) =>
        Hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
