// Gives TypeScript Vite's ambient types (CSS side-effect imports, import.meta.env).
/// <reference types="vite/client" />
