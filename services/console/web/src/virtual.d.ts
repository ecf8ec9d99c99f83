declare module 'virtual:london-boroughs' {
  const map: {
    width: number;
    height: number;
    boroughs: { gss: string; name: string; path: string; label: { x: number; y: number } }[];
  };
  export default map;
}

/** Vite bundles imported stylesheets. */
declare module '*.css';
