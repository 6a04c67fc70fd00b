// Set by modules/platforms.ts for the node-cluster build: Nitro's node-server entry.
declare module '#ticketshow/node-server' {}
