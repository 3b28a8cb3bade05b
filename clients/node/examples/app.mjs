// The app under test, in miniature: at start-up a calling app registers its channel connection
// with HubSpot through HubSpot's own client, which the app is given (so a test can point it at
// a sandbox's base URL instead of https://api.hubapi.com).
export async function registerChannelConnection(hubspot, appId, url) {
  const settings = hubspot.crm.extensions.calling.channelConnectionSettingsApi;
  try {
    return await settings.create(appId, { url, isReady: true });
  } catch (error) {
    if (error.code !== 409) throw error;
    return settings.update(appId, { url, isReady: true }); // registered before: change it
  }
}
