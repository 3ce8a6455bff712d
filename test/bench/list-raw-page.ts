/**
 * The list bench's reference: the keyset page of a box with the card's joins, as the server's
 * query reads it but with plain `a.*`; sent straight to PostgreSQL on a pool the size of the
 * server's, prepared once per connection as the server's statements are.
 */
export const RAW_PAGE = `
  SELECT a.*, m.name AS model_name, m.slug AS model_slug, u.display_name AS author_name,
         p.type AS parent_type, p.status AS parent_status, p.storage_key AS parent_storage_key, p.thumbnail_key AS parent_thumbnail_key
  FROM assets a
  LEFT JOIN ai_models m ON m.id = a.model_id
  LEFT JOIN users u ON u.id = a.created_by
  LEFT JOIN assets p ON p.id = a.parent_asset_id
  WHERE a.box_id = $1 AND (a.created_at, a.id) < ($2::timestamptz, $3::uuid)
  ORDER BY a.created_at DESC, a.id DESC LIMIT $4`;
