export * from './snapshot';
export * from './health';
export * from './report';
export * from './validation';
export * from './market';
export * from './semantic';
export * from './subject';
