export const SECRET_BOX = Symbol('SECRET_BOX');
