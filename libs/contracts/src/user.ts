export interface UserDto {
  id: string;
  email: string;
  display_name: string;
  is_admin: boolean;
  created_at: string;
  /** Spendable credits (what is held by running generations is already taken off). */
  credits: number;
}

export interface RegisterRequest { email: string; password: string; display_name: string }
export interface LoginRequest { email: string; password: string }
export interface AuthResponse { user: UserDto; token: string }
export interface MeResponse { user: UserDto }
